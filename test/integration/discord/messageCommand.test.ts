import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type DiscordRequest } from '../../fakes/discord.js';
import { solidPng } from '../../fakes/imageFixtures.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startApp, tempDir, type RunningApp } from './harness.js';

const EPHEMERAL = 64;

interface ModalData {
  custom_id: string;
  title: string;
  components: { type: number; label: string; component: { type: number; custom_id: string; max_values?: number; required?: boolean } }[];
}

describe('Discord message command "Edit image"', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let nbpro: FakeNbproServer;
  let running: RunningApp;

  beforeAll(async () => {
    [fake, nbpro] = await Promise.all([FakeDiscord.start(), startNbproServer()]);
    running = await startApp({ fake, nbpro, dbPath: `${dir.path}/message.db` });
  });
  afterAll(async () => {
    await running.stop();
    await Promise.all([fake.close(), nbpro.close()]);
    dir.remove();
  });

  it('opens a modal with a prompt and a File Upload, then replies to the target message with the result', async () => {
    const alice = fake.user('alice');
    const bob = fake.user('bob');
    const photo = fake.addAttachment({ name: 'cat.png', bytes: await solidPng(32, 32, '#0000ff'), contentType: 'image/png' });
    const readme = fake.addAttachment({ name: 'readme.txt', bytes: Buffer.from('hi'), contentType: 'text/plain' });
    const target = fake.postUserMessage(bob, { content: 'my cat', attachments: [readme, photo] });

    const command = fake.messageCommand('Edit image', target, { user: alice });
    const opened = await fake.waitForCallback(command);
    const { type, data } = opened.body as { type: number; data: ModalData };
    expect(type).toBe(9);
    expect(data.custom_id).toMatch(/^ni:message-edit-form:/);
    expect(data.components.map((c) => [c.type, c.component.type, c.component.custom_id])).toEqual([
      [18, 4, 'prompt'],
      [18, 19, 'files'],
    ]);
    // nbpro standard takes 8 references; the target's one image leaves 7 for uploads.
    expect(data.components[1]!.component).toMatchObject({ max_values: 7, required: false });

    const extra = fake.addAttachment({ name: 'hat.png', bytes: await solidPng(16, 16, '#00ff00'), contentType: 'image/png' });
    const before = nbpro.requests.length;
    const submit = fake.submitModal(command, { prompt: 'give the cat a hat', files: [extra] });
    const ack = await fake.waitForCallback(submit);
    expect(ack.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });

    const posted = await fake.waitForRequest((r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages`, 'the result in the channel');
    expect(posted.headers.authorization).toBe(`Bot ${fake.token}`);
    const body = posted.body as { content: string; message_reference: { message_id: string }; allowed_mentions: { users: string[]; parse: string[] } };
    expect(body.message_reference.message_id).toBe(target.id);
    expect(body.content).toContain(`<@${alice.id}>`);
    expect(body.allowed_mentions).toMatchObject({ parse: [], users: [alice.id] });
    expect(posted.files).toHaveLength(1);
    const stored = fake.channelMessages().find((m) => m.message_reference?.message_id === target.id)!;
    expect(stored.attachments).toHaveLength(1);

    // The provider got the target's image and the uploaded one, in that order.
    const call = nbpro.requests[before]!;
    expect(call.fields?.prompt).toEqual(['give the cat a hat']);
    const sizes = await Promise.all(call.files!.map(async (f) => (await sharp(f.bytes).metadata()).width));
    expect(sizes).toEqual([32, 16]);

    const done = await fake.waitForRequest((r: DiscordRequest) => r.method === 'PATCH' && r.route.includes(submit.token) && (r.body as { content?: string }).content?.startsWith('Done') === true, 'the private "done"');
    expect(done.status).toBe(200);
    expect((fake.original(submit)!.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);

    await running.app.core.generation.settled();
    const [job] = await running.app.core.jobs.history({ accountKey: `discord:${alice.id}` });
    expect(job).toMatchObject({ kind: 'edit', status: 'succeeded' });
    expect(job!.destination).toMatchObject({ replyToMessageId: target.id });
  });

  it('a message without an image gets a private refusal and no modal', async () => {
    const text = fake.postUserMessage(fake.user('bob'), { content: 'no pictures here' });
    const command = fake.messageCommand('Edit image', text, { user: fake.user('carol') });
    const ack = await fake.waitForCallback(command);
    expect(ack.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: expect.stringMatching(/no image/) as unknown } });
  });

  it('someone else cannot submit another user’s form', async () => {
    const photo = fake.addAttachment({ name: 'p.png', bytes: await solidPng(8, 8, '#ffffff'), contentType: 'image/png' });
    const target = fake.postUserMessage(fake.user('bob'), { attachments: [photo] });
    const command = fake.messageCommand('Edit image', target, { user: fake.user('alice') });
    await fake.waitForCallback(command);
    const submit = fake.submitModal(command, { prompt: 'mine now' }, { user: fake.user('mallory') });
    const ack = await fake.waitForCallback(submit);
    expect(ack.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: expect.stringMatching(/expired/) as unknown } });
  });
});
