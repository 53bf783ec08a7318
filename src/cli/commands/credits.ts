import { parseArgs } from 'node:util';
import type { CliCore } from '../CliCore.js';
import { MAX_CREDITS } from '../../core/credits/validation.js';
import type { Account } from '../../core/model.js';
import { plural } from '../../core/text/plural.js';
import { accountArg } from '../accountArg.js';
import type { CliIO } from '../io.js';
import { parseWhole, UsageError } from '../usage.js';

const actor = (user: string) => `cli:${user}`;

function print(io: CliIO, account: Account, json: boolean): void {
  if (json) io.out(JSON.stringify({ account: account.key, balance: account.balance, held: account.held }));
  else io.out(`${account.key}: ${plural(account.balance, 'credit')} available, ${account.held} held`);
}

/** `credits show [account] [--json]`, `credits grant|set <account> <amount> [--reason TEXT] [--json]` */
export async function creditsCommand(core: CliCore, argv: readonly string[], io: CliIO, osUser: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { reason: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const [verb, who, amount, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
  // `credits show` alone shows the local account, the one `generate` charges by default.
  const key = accountArg(verb === 'show' && who === undefined ? osUser : who);
  const reason = values.reason ?? null;
  switch (verb) {
    case 'show': {
      if (amount !== undefined) throw new UsageError('credits show takes no amount');
      print(io, (await core.facade.credits.show(key, { ledger: 0 })).account, values.json);
      return 0;
    }
    case 'grant': {
      const n = parseWhole(amount, 'amount', 1, MAX_CREDITS);
      print(io, await core.facade.credits.grant(key, n, { actor: actor(osUser), reason }), values.json);
      return 0;
    }
    case 'set': {
      const n = parseWhole(amount, 'amount', 0, MAX_CREDITS);
      print(io, await core.facade.credits.set(key, n, { actor: actor(osUser), reason }), values.json);
      return 0;
    }
    default:
      throw new UsageError(`credits takes show, grant or set, got ${JSON.stringify(verb ?? '')}`);
  }
}
