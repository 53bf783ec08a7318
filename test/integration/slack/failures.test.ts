/**
 * Failures a user can meet, each a short private answer that moves no credits (or refunds them),
 * and failures of Slack itself. Socket Mode; the transport makes no difference to these paths.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOREIGN_REFERENCE_TEXT } from '../../../src/core/userText.js';
import { FileServer } from '../../fakes/fileServer.js';
import { input, type FakeView } from '../../fakes/slack.js';
import { solidPng } from '../../fakes/imageFixtures.js';
import { ALICE, GENERAL, STARTING_CREDITS, startHarness, type Harness } from './harness.js';

const LOGIN_PAGE = Buffer.from('<!DOCTYPE html><html><body>Sign in to your workspace</body></html>');

describe('Slack failures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('socket', { shutdownGraceSeconds: '0' });
  });
  afterEach(async () => {
    await h.close();
  });

  async function openGenerateModal(): Promise<FakeView> {
    await h.fake.deliver('interactive', h.fake.payloads.globalShortcut({ user: ALICE }));
    const opened = await h.fake.waitForCall('views.open');
    return (opened.response as { view: FakeView }).view;
  }

  /** Opens the Generate modal and submits it with a prompt, the general channel and these files. */
  async function submitGenerateModal(files: Record<string, unknown>[]): ReturnType<typeof h.fake.deliver> {
    const view = await openGenerateModal();
    return h.fake.deliver(
      'interactive',
      h.fake.payloads.viewSubmission({
        user: ALICE,
        view,
        values: {
          prompt: { value: input.text('a lighthouse') },
          channel: { value: input.conversation(GENERAL) },
          references: { value: input.files(files) },
        },
      }),
    );
  }

  it('a file declared as something other than an image keeps the modal open with an error', async () => {
    const pdf = h.fake.addFile({ name: 'notes.pdf', bytes: Buffer.from('%PDF-1.7'), mimetype: 'application/pdf', user: ALICE });
    const answer = await submitGenerateModal([h.fake.filePayload(pdf)]);
    expect(answer.body).toMatchObject({ response_action: 'errors', errors: { prompt: expect.stringContaining('is not an image') as string } });
    expect(await h.jobs()).toHaveLength(0);
    expect(h.fake.state.downloads).toHaveLength(0);
  });

  it('a file whose URL is outside Slack keeps the modal open, and neither it nor the token is fetched', async () => {
    const elsewhere = await FileServer.start();
    try {
      const image = h.fake.addFile({ name: 'cat.png', bytes: await solidPng(16, 16, '#123456'), user: ALICE });
      const forged = { ...h.fake.filePayload(image), url_private: elsewhere.url('/cat.png'), url_private_download: elsewhere.url('/cat.png') };
      const answer = await submitGenerateModal([forged]);
      expect(answer.body).toMatchObject({ response_action: 'errors', errors: { references: FOREIGN_REFERENCE_TEXT.foreign_file } });
      expect(await h.jobs()).toHaveLength(0);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('a "PNG" that turns out to be an HTML page fails the job, refunds it and says so', async () => {
    const fakePng = h.fake.addFile({ name: 'photo.png', bytes: LOGIN_PAGE, mimetype: 'image/png' });
    const messageTs = '1700000200.000200';
    await h.fake.deliver('interactive', h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: messageTs, files: [h.fake.filePayload(fakePng)] } }));
    const view = ((await h.fake.waitForCall('views.open')).response as { view: FakeView }).view;
    await h.fake.deliver('interactive', h.fake.payloads.viewSubmission({ user: ALICE, view, values: { prompt: { value: input.text('sharpen it') } } }));
    const told = await h.ephemeral(ALICE, 'could not be made');
    expect(String(told.args.text)).toContain('not an image');
    expect(told.args).toMatchObject({ channel: GENERAL, thread_ts: messageTs });
    expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS, held: 0 });
    expect(h.nbpro.requests).toHaveLength(0);
  });

  it('Edit image on a message without images says so, in a modal', async () => {
    const pdf = h.fake.addFile({ name: 'notes.pdf', bytes: Buffer.from('%PDF-1.7'), mimetype: 'application/pdf' });
    await h.fake.deliver('interactive', h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: '1700000300.000300', files: [h.fake.filePayload(pdf)] } }));
    const opened = await h.fake.waitForCall('views.open');
    const view = (opened.response as { view: FakeView }).view;
    expect(JSON.stringify(view.blocks)).toContain('That message has no image files');
    expect(view.submit).toBeNull();
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('when that modal cannot be opened, the reason comes as an ephemeral message instead', async () => {
    h.fake.failNext('views.open', { status: 503 });
    await h.fake.deliver('interactive', h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: '1700000310.000310' } }));
    await h.ephemeral(ALICE, 'That message has no image files');
  });

  it('a Slack 5xx is not retried (zero-retry policy) and the user is told', async () => {
    h.fake.failNext('views.open', { status: 503 });
    const image = h.fake.addFile({ name: 'cat.png', bytes: await solidPng(16, 16, '#123456') });
    await h.fake.deliver('interactive', h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: '1700000400.000400', files: [h.fake.filePayload(image)] } }));
    await h.ephemeral(ALICE, 'I couldn’t open the *Edit image* form');
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
  });

  it('when the bot is removed from the channel before the upload, the result goes to a direct message', async () => {
    h.fake.failNext('files.completeUploadExternal', { error: 'not_in_channel' });
    await h.imagine('a shy owl');
    const result = await h.result();
    expect(result.channel).toBe(`D${ALICE}`);
    expect(String(result.upload.args.initial_comment)).toContain(`I couldn’t post in <#${GENERAL}>`);
  });

  it('a job interrupted by shutdown is refunded and its owner told', async () => {
    h.nbpro.setMode({ kind: 'hang' });
    await h.imagine('a very slow painting');
    await h.nbpro.waitForRequests(1);
    await h.app.stop();
    const told = await h.ephemeral(ALICE, 'could not be made');
    // The database is closed by now; the notice carries what the core settled.
    expect(String(told.args.text)).toContain('The bot restarted before this job finished. Your 4 credits were returned (balance 50).');
  });

  it('a redelivered shortcut opens one modal and says nothing more', async () => {
    const image = h.fake.addFile({ name: 'cat.png', bytes: await solidPng(16, 16, '#654321') });
    const payload = h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: '1700000500.000500', files: [h.fake.filePayload(image)] } });
    await h.fake.deliver('interactive', payload);
    await h.fake.deliver('interactive', payload, { retry: 1 });
    // A command after both makes sure both shortcut deliveries were handled before counting.
    await h.imagine('help');
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('/imagine help and an empty /imagine show the usage', async () => {
    for (const text of ['help', '']) {
      const ack = await h.imagine(text);
      expect(JSON.stringify(ack.body)).toContain('Usage: `/imagine');
    }
    expect(await h.jobs()).toHaveLength(0);
  });

  it.each(['file_upload_size_exceeded', 'fatal_error'])(
    'Slack refusing the upload (%s) releases the hold and tells the requester privately: nothing is charged',
    async (error) => {
      h.fake.failNext('files.completeUploadExternal', { error });
      await h.imagine('a koi pond at dawn');
      const told = await h.ephemeral(ALICE, 'could not be posted here');
      expect(String(told.args.text)).toBe(
        ':x: Your image “a koi pond at dawn” was made, but it could not be posted here, so nothing was charged for it. Your 4 credits were returned.',
      );
      await h.app.core.generation.settled();
      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS, held: 0 });
      expect(await h.jobs(ALICE)).toMatchObject([{ status: 'failed', errorCode: 'undelivered', captured: 0 }]);
      expect(await h.app.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    },
  );
});
