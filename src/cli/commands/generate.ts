import { idempotencyKey } from '../../core/credits/accountKey.js';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { CliCore } from '../CliCore.js';
import type { JobEvent, OutputImage } from '../../core/generation/types.js';
import { plural } from '../../core/text/plural.js';
import { accountArg } from '../accountArg.js';
import type { CliIO } from '../io.js';
import { parseWhole, UsageError } from '../usage.js';
import { writeFileAtomic } from '../writeFileAtomic.js';

/** `x.png` with 3 images → `x-1.png`, `x-2.png`, `x-3.png`. */
export function outputPaths(out: string, count: number): string[] {
  if (count === 1) return [out];
  const ext = extname(out) || '.png';
  const stem = join(dirname(out), basename(out, extname(out)));
  return Array.from({ length: count }, (_, i) => `${stem}-${i + 1}${ext}`);
}

async function asPng(image: OutputImage): Promise<Buffer> {
  return image.mime === 'image/png' ? image.bytes : sharp(image.bytes).png().toBuffer();
}

/**
 * `generate "<prompt>" …`: runs one real job through the generation engine for a local account and
 * writes the PNG(s). Resolves to the exit code.
 */
export async function generateCommand(core: CliCore, argv: readonly string[], io: CliIO, osUser: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ratio: { type: 'string' },
      resolution: { type: 'string' },
      model: { type: 'string' },
      count: { type: 'string' },
      ref: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      account: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('generate takes exactly one prompt (quote it): generate "a koi pond at dawn"');
  const prompt = positionals[0]!;
  const count = values.count === undefined ? undefined : parseWhole(values.count, '--count', 1);
  const accountKey = accountArg(values.account ?? osUser);
  if (!accountKey.startsWith('cli:')) throw new UsageError('generate charges a local account: --account NAME (cli:NAME)');
  if (values.out !== undefined) {
    // Every name the result may be written to (fewer images than asked are written as `--out` itself).
    for (const path of new Set([values.out, ...outputPaths(values.out, count ?? 1)])) {
      const refusal = core.admin.outputRefusal(path);
      if (refusal) throw new UsageError(`refusing --out ${path}: ${refusal}`);
    }
  }

  const references = await Promise.all(
    values.ref.map(async (file) => {
      try {
        return { bytes: await readFile(file), name: basename(file) };
      } catch {
        throw new UsageError(`cannot read reference file ${file}`);
      }
    }),
  );

  let finish: (event: JobEvent & { type: 'succeeded' | 'failed' }) => void = () => undefined;
  const done = new Promise<JobEvent & { type: 'succeeded' | 'failed' }>((resolve) => (finish = resolve));
  const outcome = core.facade.submit(
    {
      idempotencyKey: idempotencyKey.cli(randomUUID()),
      accountKey,
      platform: 'cli',
      displayName: accountKey.slice(4),
      destination: {},
      kind: references.length > 0 ? 'edit' : 'imagine',
      prompt,
      options: { aspectRatio: values.ratio, resolution: values.resolution, model: values.model, count },
      references,
    },
    (event) => {
      if (event.type === 'succeeded' || event.type === 'failed') finish(event);
      else if (event.type === 'queued' && event.position > 0) io.err(`queued (position ${event.position})`);
    },
  );
  if (!outcome.ok) {
    // A request the catalog refuses is a bad argument; anything else (credits, busy) a run-time failure.
    if (outcome.refusal.code === 'invalid_request') throw new UsageError(outcome.refusal.message);
    io.err(outcome.refusal.message);
    return 1;
  }

  const event = await done;
  if (event.type === 'failed') {
    io.err(`failed: ${event.message} (${plural(event.refunded, 'credit')} returned)`);
    return 1;
  }
  const paths = outputPaths(values.out ?? `nano-imagine-${event.job.id.slice(0, 8)}.png`, event.images.length);
  await Promise.all(event.images.map(async (image, i) => writeFileAtomic(paths[i]!, await asPng(image))));
  const summary = {
    job: event.job.id,
    files: paths,
    model: event.job.request.model,
    aspectRatio: event.job.request.aspectRatio,
    resolution: event.job.request.resolution,
    cost: event.job.captured,
    balance: event.account.balance,
    seconds: Math.round(event.durationMs / 100) / 10,
  };
  if (values.json) io.out(JSON.stringify(summary));
  else {
    for (const p of paths) io.out(p);
    io.err(`${plural(summary.cost, 'credit')} spent, ${summary.balance} left (${summary.seconds}s, ${summary.model}, ${summary.aspectRatio}, ${summary.resolution})`);
  }
  return 0;
}
