import { createHash } from 'node:crypto';
import { graphemes } from '../text/graphemes.js';
import { truncate } from '../text/truncate.js';

/** A box in pixels where a reference thumbnail will be composited over the SVG. */
export interface ThumbnailSlot {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface PreviewLayout {
  readonly width: number;
  readonly height: number;
  readonly prompt: string;
  /** Mixed into the palette's hash so the images of one job differ. @defaultValue 0 */
  readonly variation?: number;
  /** Shown under the label, e.g. `16:9 · 1K · 1024×576`. */
  readonly caption: string;
  readonly slots: readonly ThumbnailSlot[];
  /** References that did not fit in the strip, shown as `+N`. */
  readonly hiddenReferences: number;
  /** Top of the reference strip (the prompt stays above it); `height` when there is none. */
  readonly stripTop: number;
}

/** Fonts librsvg looks for, in order; DejaVu ships with most Linux images. */
const FONTS = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
/** Length of the prompt shown at most (UTF-16 code units, as {@link truncate} counts): a preview, not a transcript. */
const MAX_PROMPT_CHARS = 400;
const MAX_PROMPT_LINES = 8;
/** Average advance of DejaVu Sans as a share of the font size, used to wrap without measuring. */
const CHAR_WIDTH = 0.56;

/** Escapes text for SVG and drops what XML 1.0 forbids (control characters, lone surrogates). */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- matching the control characters XML 1.0 forbids is the point.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Wraps text into at most `maxLines` lines of `maxChars` grapheme clusters, breaking long words, and
 * ends with an ellipsis when something was cut. Counts graphemes so an emoji (even a ZWJ sequence or a
 * flag) or a letter with its combining marks is never split.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter((word) => word !== '');
  const lines: string[] = [];
  let line: string[] = [];
  const flush = (): void => {
    lines.push(line.join(''));
    line = [];
  };
  for (const word of words) {
    const chars = graphemes(word);
    if (line.length > 0 && line.length + 1 + chars.length > maxChars) flush();
    if (line.length > 0) line.push(' ');
    for (const char of chars) {
      if (line.length >= maxChars) flush();
      line.push(char);
    }
  }
  if (line.length > 0) flush();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = graphemes(kept[maxLines - 1] ?? '').slice(0, Math.max(0, maxChars - 1));
  kept[maxLines - 1] = `${last.join('').trimEnd()}…`;
  return kept;
}

function hsl(hue: number, saturation: number, lightness: number): string {
  return `hsl(${hue},${saturation}%,${lightness}%)`;
}

/** Two colours and a direction from the prompt's hash: the same prompt always looks the same. */
function palette(prompt: string, variation: number): { from: string; to: string; x2: number; y2: number; seed: Buffer } {
  const hash = createHash('sha256').update(prompt);
  if (variation !== 0) hash.update(`\u0000${variation}`);
  const seed = hash.digest();
  const byte = (index: number): number => seed[index] ?? 0;
  const hue = ((byte(0) << 8) | byte(1)) % 360;
  const second = (hue + 60 + (byte(2) % 120)) % 360;
  const corner = byte(3) % 4;
  return {
    from: hsl(hue, 55 + (byte(4) % 20), 38 + (byte(5) % 14)),
    to: hsl(second, 55 + (byte(6) % 20), 30 + (byte(7) % 14)),
    x2: corner % 2,
    y2: corner < 2 ? 1 : 0,
    seed,
  };
}

function promptBlock(layout: PreviewLayout, short: number, top: number): string {
  const size = Math.max(10, Math.round(short * 0.045));
  const pad = Math.round(short * 0.04);
  const bottom = layout.stripTop - pad;
  const lineHeight = Math.round(size * 1.3);
  const maxChars = Math.max(8, Math.floor((layout.width - 4 * pad) / (size * CHAR_WIDTH)));
  const maxLines = Math.max(1, Math.min(MAX_PROMPT_LINES, Math.floor((bottom - top - pad) / lineHeight)));
  const lines = wrapText(truncate(layout.prompt, MAX_PROMPT_CHARS), maxChars, maxLines);
  if (lines.length === 0) return '';
  const boxHeight = lines.length * lineHeight + pad;
  const boxTop = Math.round(top + Math.max(0, (bottom - top - boxHeight) / 2));
  const text = lines
    .map((line, index) => `<tspan x="${layout.width / 2}" y="${boxTop + pad / 2 + (index + 0.8) * lineHeight}">${escapeXml(line)}</tspan>`)
    .join('');
  return (
    `<rect x="${pad}" y="${boxTop}" width="${layout.width - 2 * pad}" height="${boxHeight}" rx="${pad / 2}" fill="#000" fill-opacity="0.35"/>` +
    `<text font-family="${FONTS}" font-size="${size}" fill="#fff" text-anchor="middle">${text}</text>`
  );
}

function referenceStrip(layout: PreviewLayout, short: number): string {
  if (layout.slots.length === 0 && layout.hiddenReferences === 0) return '';
  const frame = Math.max(1, Math.round(short * 0.004));
  const frames = layout.slots
    .map((slot) => `<rect x="${slot.left - frame}" y="${slot.top - frame}" width="${slot.width + 2 * frame}" height="${slot.height + 2 * frame}" fill="#fff"/>`)
    .join('');
  const last = layout.slots.at(-1);
  const more =
    layout.hiddenReferences > 0
      ? `<text x="${(last ? last.left + last.width : 0) + Math.round(short * 0.03)}" y="${layout.height - Math.round(short * 0.12)}" font-family="${FONTS}" font-size="${Math.round(short * 0.05)}" font-weight="bold" fill="#fff">+${layout.hiddenReferences}</text>`
      : '';
  return `<rect x="0" y="${layout.stripTop}" width="${layout.width}" height="${layout.height - layout.stripTop}" fill="#000" fill-opacity="0.45"/>${frames}${more}`;
}

/**
 * The offline preview as an SVG document: a gradient and a few soft circles chosen by the prompt's
 * hash, a dashed border and an "OFFLINE PREVIEW" band so nobody mistakes it for a real result, the
 * caption, the prompt (escaped, wrapped, truncated) and frames for the reference thumbnails.
 * Flat shapes only: librsvg renders them in milliseconds, where filters or blurs would not.
 */
export function previewSvg(layout: PreviewLayout): string {
  const { width, height } = layout;
  const short = Math.min(width, height);
  const colours = palette(layout.prompt, layout.variation ?? 0);
  const circles = [0, 1, 2]
    .map((index) => {
      const at = (offset: number): number => colours.seed[8 + index * 3 + offset] ?? 0;
      return `<circle cx="${Math.round((at(0) / 255) * width)}" cy="${Math.round((at(1) / 255) * height)}" r="${Math.round(short * (0.15 + at(2) / 600))}" fill="#fff" fill-opacity="0.1"/>`;
    })
    .join('');
  const band = Math.round(short * 0.17);
  const pad = Math.round(short * 0.04);
  const labelSize = Math.max(10, Math.round(short * 0.06));
  const captionSize = Math.max(8, Math.round(short * 0.03));
  const border = Math.max(2, Math.round(short * 0.01));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><linearGradient id="bg" x1="${1 - colours.x2}" y1="${1 - colours.y2}" x2="${colours.x2}" y2="${colours.y2}">`,
    `<stop offset="0" stop-color="${colours.from}"/><stop offset="1" stop-color="${colours.to}"/></linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
    circles,
    `<rect width="${width}" height="${band}" fill="#000" fill-opacity="0.55"/>`,
    `<text x="${pad}" y="${pad + labelSize * 0.85}" font-family="${FONTS}" font-size="${labelSize}" font-weight="bold" letter-spacing="${labelSize * 0.08}" fill="#ffd23f">OFFLINE PREVIEW</text>`,
    `<text x="${pad}" y="${band - pad / 2}" font-family="${FONTS}" font-size="${captionSize}" fill="#fff" fill-opacity="0.85">${escapeXml(layout.caption)}</text>`,
    promptBlock(layout, short, band),
    referenceStrip(layout, short),
    `<rect x="${border / 2}" y="${border / 2}" width="${width - border}" height="${height - border}" fill="none" stroke="#ffd23f" stroke-width="${border}" stroke-dasharray="${border * 6} ${border * 4}"/>`,
    '</svg>',
  ].join('');
}
