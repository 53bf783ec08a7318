import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../src/app/createCore.js';
import { buildCommands } from '../../../src/bots/discord/index.js';
import { discordCommand } from '../../../src/cli/commands/discord.js';
import { parseConfig } from '../../../src/config.js';
import { catalogFor } from '../../../src/core/catalog/catalogs.js';
import { createLogger } from '../../../src/logger.js';
import { FakeDiscord } from '../../fakes/discord.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startApp, tempDir } from './harness.js';

interface Option {
  name: string;
  type: number;
  required?: boolean;
  choices?: { name: string; value: string }[];
  min_value?: number;
  max_value?: number;
  options?: Option[];
}
interface Command {
  name: string;
  type?: number;
  options?: Option[];
}

const puts = (fake: FakeDiscord) => fake.requests.filter((r) => r.method === 'PUT' && r.route.endsWith('/commands'));

describe('Discord start-up and command registration', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let nbpro: FakeNbproServer;

  beforeAll(async () => {
    [fake, nbpro] = await Promise.all([FakeDiscord.start(), startNbproServer()]);
  });
  afterAll(async () => {
    await Promise.all([fake.close(), nbpro.close()]);
    dir.remove();
  });

  it('logs in with the Guilds intent only and registers the catalog’s commands to the guild once', async () => {
    const first = await startApp({ fake, nbpro, dbPath: `${dir.path}/a.db` });
    try {
      expect(first.app.adapters[0]!.isConnected()).toBe(true);
      expect(fake.identifies).toEqual([1]);
      expect(puts(fake)).toHaveLength(1);
      expect(puts(fake)[0]!.route).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);

      const commands = fake.commands(fake.guildId) as unknown as Command[];
      expect(commands.map((c) => c.name)).toEqual(['imagine', 'edit', 'Edit image', 'credits', 'history', 'admin']);
      const imagine = commands.find((c) => c.name === 'imagine')!;
      expect(imagine.options!.map((o) => o.name)).toEqual(['prompt', 'aspect_ratio', 'resolution', 'model', 'count', 'image', 'image2', 'image3']);
      const option = (name: string) => imagine.options!.find((o) => o.name === name)!;
      expect(option('prompt')).toMatchObject({ type: 3, required: true });
      // Choices come from the nbpro (standard plan) catalog: one model, its ratios, 1K–4K.
      expect(option('model').choices).toEqual([{ name: 'nano-banana-2', value: 'nano-banana-2' }]);
      expect(option('resolution').choices!.map((c) => c.value)).toEqual(['1K', '2K', '4K']);
      expect(option('aspect_ratio').choices!.map((c) => c.value)).toContain('16:9');
      expect(option('count')).toMatchObject({ type: 4, min_value: 1, max_value: 4 });
      expect(option('image')).toMatchObject({ type: 11 });
      const edit = commands.find((c) => c.name === 'edit')!;
      expect(edit.options!.slice(0, 2).map((o) => [o.name, o.type, o.required])).toEqual([
        ['image', 11, true],
        ['prompt', 3, true],
      ]);
      expect(commands.find((c) => c.name === 'Edit image')).toMatchObject({ type: 3 });
      const admin = commands.find((c) => c.name === 'admin')!;
      expect(admin.options!.map((o) => o.name)).toEqual(['grant', 'set', 'balance']);
    } finally {
      await first.stop();
    }
    expect(first.app.adapters[0]!.isConnected()).toBe(false);

    // A restart with the same code: one GET, no PUT.
    const second = await startApp({ fake, nbpro, dbPath: `${dir.path}/a.db` });
    await second.stop();
    expect(puts(fake)).toHaveLength(1);
    expect(fake.identifies).toEqual([1, 1]);
  });

  it('commands follow the provider: nbapi takes no references, so no attachments, no /edit', () => {
    const names = buildCommands(catalogFor('nbapi')).map((c) => c.name);
    expect(names).toEqual(['imagine', 'credits', 'history', 'admin']);
    const imagine = buildCommands(catalogFor('nbapi'))[0] as unknown as Command;
    expect(imagine.options!.some((o) => o.type === 11)).toBe(false);
    expect(imagine.options!.find((o) => o.name === 'model')!.choices).toHaveLength(3);
    expect(imagine.options!.find((o) => o.name === 'resolution')!.choices!.map((c) => c.value)).toEqual(['512', '1K', '2K', '4K']);
  });

  it('`discord register` registers globally without a gateway connection, then finds nothing to change', async () => {
    const other = await FakeDiscord.start();
    const config = parseConfig({
      DISCORD_TOKEN: other.token,
      DISCORD_APPLICATION_ID: other.applicationId,
      DISCORD_API_URL: other.apiUrl,
      DATABASE_PATH: `${dir.path}/cli.db`,
    });
    const core = await createCore(config, { logger: createLogger({ level: 'silent' }) });
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(`ERR ${t}`) };
    try {
      expect(await discordCommand(core, ['register'], io)).toBe(0);
      expect(await discordCommand(core, ['register'], io)).toBe(0);
      expect(out).toEqual(['registered 6 commands (global)', 'the 6 commands are already registered (global); nothing changed']);
      expect(puts(other).map((r) => r.route)).toEqual([`/applications/${other.applicationId}/commands`]);
      expect(other.requests.some((r) => r.route === '/gateway/bot')).toBe(false);
      expect(other.identifies).toEqual([]);
    } finally {
      await core.close();
      await other.close();
    }
  });

  it('a wrong token fails the registration with a clear error, never printing the token', async () => {
    const config = parseConfig({
      DISCORD_TOKEN: 'not-the-right-token-at-all',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_PATH: `${dir.path}/cli2.db`,
    });
    const core = await createCore(config, { logger: createLogger({ level: 'silent' }) });
    try {
      const failure = discordCommand(core, ['register'], { out: () => undefined, err: () => undefined });
      await expect(failure).rejects.toMatchObject({ code: 'discord_register_failed' });
      await expect(failure).rejects.not.toThrow(/not-the-right-token/);
    } finally {
      await core.close();
    }
  });
});
