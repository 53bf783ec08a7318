import { idempotencyKey } from '../../core/credits/accountKey.js';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { CliCore } from '../CliCore.js';
import type { JobEvent, OutputImage, Refusal } from '../../core/generation/types.js';
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

async function writeAll(images: readonly OutputImage[], paths: readonly string[]): Promise<void> {
  await Promise.all(images.map(async (image, i) => writeFileAtomic(paths[i]!, await asPng(image))));
}

/** What `generate` was asked for, checked. */
interface GenerateArgs {
  readonly prompt: string;
  readonly accountKey: string;
  readonly ratio: string | undefined;
  readonly resolution: string | undefined;
  readonly model: string | undefined;
  readonly count: number | undefined;
  readonly refs: readonly string[];
  readonly out: string | undefined;
  readonly json: boolean;
}

function parseGenerateArgs(core: CliCore, argv: readonly string[], osUser: string): GenerateArgs {
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
  const { ratio, resolution, model, ref, out, json } = values;
  return { prompt: positionals[0]!, accountKey, ratio, resolution, model, count, refs: ref, out, json };
}

async function readReferences(files: readonly string[]): Promise<{ bytes: Buffer; name: string }[]> {
  return Promise.all(
    files.map(async (file) => {
      try {
        return { bytes: await readFile(file), name: basename(file) };
      } catch {
        throw new UsageError(`cannot read reference file ${file}`);
      }
    }),
  );
}

type Final = JobEvent & { type: 'succeeded' | 'failed' };

/**
 * Submits the job and delivers it to the disk: the files are written (atomically), then confirmed,
 * so the account is charged only for what was written. Resolves to the job's last event and the
 * paths, or to the refusal.
 */
async function runJob(core: CliCore, args: GenerateArgs, io: CliIO): Promise<{ final: Final; paths: string[] } | { refusal: Refusal }> {
  const references = await readReferences(args.refs);
  let finish: (event: Final) => void = () => undefined;
  const done = new Promise<Final>((resolve) => (finish = resolve));
  let paths: string[] = [];
  const outcome = await core.facade.submit(
    {
      idempotencyKey: idempotencyKey.cli(randomUUID()),
      accountKey: args.accountKey,
      platform: 'cli',
      displayName: args.accountKey.slice(4),
      destination: {},
      kind: references.length > 0 ? 'edit' : 'imagine',
      prompt: args.prompt,
      options: { aspectRatio: args.ratio, resolution: args.resolution, model: args.model, count: args.count },
      references,
    },
    (event) => {
      if (event.type === 'ready') {
        paths = outputPaths(args.out ?? `nano-imagine-${event.job.id.slice(0, 8)}.png`, event.images.length);
        void writeAll(event.images, paths).then(
          () => event.delivery.confirm(event.images.length),
          (error: unknown) => {
            io.err(`could not write the image: ${error instanceof Error ? error.message : String(error)}`);
            event.delivery.fail(error);
          },
        );
      } else if (event.type === 'succeeded' || event.type === 'failed') finish(event);
      else if (event.type === 'queued' && event.position > 0) io.err(`queued (position ${event.position})`);
    },
  );
  if (!outcome.ok) return { refusal: outcome.refusal };
  return { final: await done, paths };
}

/**
 * `generate "<prompt>" …`: runs one real job through the generation engine for a local account and
 * writes the PNG(s). Resolves to the exit code.
 */
export async function generateCommand(core: CliCore, argv: readonly string[], io: CliIO, osUser: string): Promise<number> {
  const args = parseGenerateArgs(core, argv, osUser);
  const ran = await runJob(core, args, io);
  if ('refusal' in ran) {
    // A request the catalog refuses is a bad argument; anything else (credits, busy) a run-time failure.
    if (ran.refusal.code === 'invalid_request') throw new UsageError(ran.refusal.message);
    io.err(ran.refusal.message);
    return 1;
  }
  const { final: event, paths } = ran;
  if (event.type === 'failed') {
    // A file that could not be written was said above; "posted here" is chat wording.
    const why = event.code === 'undelivered' ? 'nothing was charged' : event.message;
    io.err(`failed: ${why} (${plural(event.refunded, 'credit')} returned)`);
    return 1;
  }
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
  if (args.json) io.out(JSON.stringify(summary));
  else {
    for (const p of paths) io.out(p);
    io.err(`${plural(summary.cost, 'credit')} spent, ${summary.balance} left (${summary.seconds}s, ${summary.model}, ${summary.aspectRatio}, ${summary.resolution})`);
  }
  return 0;
}
