import type { APIMessage } from 'discord.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type DiscordRequest, type Injected } from '../../fakes/discord.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startApp, tempDir, type RunningApp } from './harness.js';

const EPHEMERAL = 64;

describe('Discord result buttons', () => {
  const dir = tempDir();
  const dbPath = `${dir.path}/buttons.db`;
  let fake: FakeDiscord;
  let nbpro: FakeNbproServer;
  let running: RunningApp;

  beforeAll(async () => {
    [fake, nbpro] = await Promise.all([FakeDiscord.start(), startNbproServer()]);
    running = await startApp({ fake, nbpro, dbPath, adminIds: [] });
  });
  afterAll(async () => {
    await running.stop();
    await Promise.all([fake.close(), nbpro.close()]);
    dir.remove();
  });

  const credits = () => running.app.core.credits;
  const resultOf = (i: Injected): Promise<DiscordRequest> =>
    fake.waitForRequest((r) => r.method === 'PATCH' && r.route.endsWith(`${i.token}/messages/@original`) && r.files.length > 0, `the result of ${i.id}`);
  const customIds = (message: APIMessage): string[] =>
    (message.components as unknown as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);

  async function imagine(user: string, prompt: string): Promise<{ message: APIMessage; jobId: string }> {
    const i = fake.slashCommand('imagine', { prompt }, { user: fake.user(user) });
    await resultOf(i);
    const message = fake.original(i)!;
    const jobId = customIds(message)[0]!.split(':')[2]!;
    return { message, jobId };
  }

  it('buttons carry the job id; Reroll makes a child job charged to whoever pressed it', async () => {
    const { message, jobId } = await imagine('alice', 'a lighthouse');
    expect(customIds(message)).toEqual([`ni:reroll:${jobId}`, `ni:upscale:${jobId}`, `ni:edit:${jobId}`, `ni:delete:${jobId}`]);
    const bob = fake.user('bob');
    const press = fake.button(message, `ni:reroll:${jobId}`, { user: bob });
    expect((await fake.waitForCallback(press)).body).toEqual({ type: 5, data: { flags: 0 } });
    await resultOf(press);
    await running.app.core.generation.settled();
    const [child] = await running.app.core.jobs.history({ accountKey: `discord:${bob.id}` });
    expect(child).toMatchObject({ kind: 'reroll', parentId: jobId, status: 'succeeded', captured: 4 });
    expect(child!.request.prompt).toBe('a lighthouse');
    expect(await credits().account(`discord:${bob.id}`)).toMatchObject({ balance: 46, held: 0 });
    expect(await credits().account(`discord:${fake.user('alice').id}`)).toMatchObject({ balance: 46 });
  });

  it('Upscale regenerates at the next resolution with the result image as reference', async () => {
    const { message, jobId } = await imagine('carol', 'a fox');
    const before = nbpro.requests.length;
    const press = fake.button(message, `ni:upscale:${jobId}`, { user: fake.user('carol') });
    await resultOf(press);
    const call = nbpro.requests[before]!;
    expect(call.fields?.size).toEqual(['2k']);
    expect(call.files).toHaveLength(1);
    const original = fake.fileBytes(message.attachments[0]!);
    const [a, b] = await Promise.all([sharp(original).raw().toBuffer(), sharp(call.files![0]!.bytes).raw().toBuffer()]);
    expect(b.equals(a)).toBe(true);
    const [child] = await running.app.core.jobs.history({ accountKey: `discord:${fake.user('carol').id}` });
    expect(child).toMatchObject({ kind: 'upscale', parentId: jobId, cost: 6 });
    expect(child!.request.resolution).toBe('2K');
  });

  it('Delete is refused to a stranger and works for the requester', async () => {
    const { message, jobId } = await imagine('dave', 'a boat');
    const stranger = fake.button(message, `ni:delete:${jobId}`, { user: fake.user('mallory') });
    const refusal = await fake.waitForCallback(stranger);
    expect(refusal.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: expect.stringMatching(/Only the person/) as unknown } });
    expect(fake.message(message.id)).toBeDefined();

    const owner = fake.button(message, `ni:delete:${jobId}`, { user: fake.user('dave') });
    expect((await fake.waitForCallback(owner)).body).toEqual({ type: 6 });
    await fake.waitFor(owner, 'DELETE', '/messages/@original');
    expect(fake.message(message.id)).toBeUndefined();
  });

  it('Edit opens a modal and makes an edit child job of the result image', async () => {
    const { message, jobId } = await imagine('erin', 'a tree');
    const erin = fake.user('erin');
    const press = fake.button(message, `ni:edit:${jobId}`, { user: erin });
    const opened = await fake.waitForCallback(press);
    expect(opened.body).toMatchObject({ type: 9, data: { custom_id: `ni:edit-form:${jobId}` } });
    const before = nbpro.requests.length;
    const submit = fake.submitModal(press, { prompt: 'in winter' });
    await resultOf(submit);
    await running.app.core.generation.settled();
    expect(nbpro.requests[before]!.files).toHaveLength(1);
    const [child] = await running.app.core.jobs.history({ accountKey: `discord:${erin.id}` });
    expect(child).toMatchObject({ kind: 'edit', parentId: jobId, status: 'succeeded' });
    expect(child!.request.prompt).toBe('in winter');
  });

  it('buttons keep working after a restart: the job comes from the jobs table', async () => {
    const { message, jobId } = await imagine('gina', 'a castle');
    await running.stop();
    running = await startApp({ fake, nbpro, dbPath });
    const press = fake.button(message, `ni:reroll:${jobId}`, { user: fake.user('gina') });
    await resultOf(press);
    await running.app.core.generation.settled();
    const [child] = await running.app.core.jobs.history({ accountKey: `discord:${fake.user('gina').id}` });
    expect(child).toMatchObject({ kind: 'reroll', parentId: jobId, status: 'succeeded' });
  });

  it('a button for a job that does not exist is answered privately', async () => {
    const { message } = await imagine('hal', 'a cloud');
    const press = fake.button(message, 'ni:reroll:00000000-0000-0000-0000-000000000000', { user: fake.user('hal') });
    expect((await fake.waitForCallback(press)).body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
  });

  it('nothing malformed crashes the bot: unknown commands, foreign custom ids and modals get a private answer', async () => {
    const ivy = fake.user('ivy');
    const unknown = fake.slashCommand('teleport', { where: 'moon' }, { user: ivy });
    const { message } = await imagine('ivy', 'a moon');
    const foreign = fake.button(message, 'someone-else:thing', { user: ivy });
    for (const i of [unknown, foreign]) {
      expect((await fake.waitForCallback(i)).body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    }
    // Still serving: a normal command works afterwards.
    const after = fake.slashCommand('credits', {}, { user: ivy });
    expect((await fake.waitForCallback(after)).body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
  });
});

