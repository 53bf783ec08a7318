/**
 * The end-to-end list, run once per transport (Socket Mode and signed HTTP) by the two
 * test files, so each mode is exercised through the real Bolt receiver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { input, type FakeView } from '../../fakes/slack.js';
import { solidPng } from '../../fakes/imageFixtures.js';
import { ADMIN, ALICE, BOB, COST_1K, GENERAL, STARTING_CREDITS, startHarness, type Harness, type Mode } from './harness.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

function ackText(body: unknown): string {
  return typeof body === 'object' && body !== null && 'text' in body ? String(body.text) : '';
}

export function slackScenarios(mode: Mode): void {
  describe(`Slack app end to end (${mode})`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness(mode);
    });
    afterEach(async () => {
      await h.close();
    });

    it('/imagine shares a PNG in the channel through the V2 upload flow, with a summary and buttons', async () => {
      const ack = await h.imagine('a koi pond at dawn --ar 16:9');
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ response_type: 'ephemeral' });
      expect(ackText(ack.body)).toMatch(/Queued(, generating now| \(position \d+\))/);

      const result = await h.result();
      expect(result.channel).toBe(GENERAL);
      expect(result.threadTs).toBeUndefined();
      // get URL → upload bytes → complete, all with the bot token
      const [getUrl] = h.fake.callsTo('files.getUploadURLExternal');
      expect(getUrl?.token).toBe(h.fake.tokens.bot);
      expect(h.fake.callsTo('upload')).toHaveLength(1);
      expect(result.upload.args).toMatchObject({ channel_id: GENERAL });
      const comment = String(result.upload.args.initial_comment);
      for (const part of ['a koi pond at dawn', `<@${ALICE}>`, 'nano-banana-2', '16:9', '1K', `${COST_1K} credits`, `${STARTING_CREDITS - COST_1K} credits left`]) {
        expect(comment).toContain(part);
      }
      const file = h.fake.state.files.get(result.fileIds[0]!);
      expect(file?.bytes?.subarray(0, 4)).toEqual(PNG_MAGIC);
      expect(file?.channels).toEqual([GENERAL]);
      expect((h.nbpro.requests[0]?.json as { aspectRatio?: string }).aspectRatio).toBe('16:9');

      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - COST_1K, held: 0 });
      expect(await h.jobs(ALICE)).toMatchObject([{ kind: 'imagine', status: 'succeeded', platform: 'slack' }]);
      const all = h.logs.join('');
      for (const secret of Object.values(h.fake.tokens)) expect(all).not.toContain(secret);
      // The logger runs at trace, where Bolt and Socket Mode log whole payloads: a response_url is a
      // capability (anyone holding it may post as the app) and the verification token a credential.
      expect(all).toContain('"level":10');
      expect(all).not.toMatch(/\/respond\/|response_url(\\*"\s*:\s*\\*"|=)(?!\[REDACTED\])/);
      expect(all).not.toContain('legacy-verification-token');
    });

    it('Edit image: message shortcut → modal → submission → files fetched with the token → result in the thread', async () => {
      const plain = h.fake.addFile({ name: 'cat.png', bytes: await solidPng(40, 30, '#3366cc') });
      const connect = h.fake.addFile({ name: 'dog.png', bytes: await solidPng(30, 40, '#cc6633'), checkFileInfo: true });
      const messageTs = '1700000100.000100';
      const shortcut = await h.fake.deliver(
        'interactive',
        h.fake.payloads.messageShortcut({ user: ALICE, channel: GENERAL, message: { ts: messageTs, files: [h.fake.filePayload(plain), h.fake.filePayload(connect)] } }),
      );
      expect(shortcut.status).toBe(200);
      const opened = await h.fake.waitForCall('views.open');
      const view = (opened.response as { view: FakeView }).view;
      expect(view.callback_id).toBe('edit_image_submit');

      const submitted = await h.fake.deliver(
        'interactive',
        h.fake.payloads.viewSubmission({
          user: ALICE,
          view,
          values: { prompt: { value: input.text('make it a watercolour') }, ratio: { value: input.select('1:1') }, resolution: { value: input.select('1K') } },
        }),
      );
      expect(submitted.status).toBe(200);
      expect(JSON.stringify(submitted.body ?? {})).not.toContain('errors');
      const queued = await h.ephemeral(ALICE, 'Queued');
      expect(queued.args).toMatchObject({ channel: GENERAL, thread_ts: messageTs });

      const result = await h.result();
      expect(result).toMatchObject({ channel: GENERAL, threadTs: messageTs });
      expect(result.upload.args).toMatchObject({ thread_ts: messageTs });
      // The Slack Connect file was looked up first; both were downloaded with the bot token.
      expect(h.fake.callsTo('files.info').map((c) => c.args.file)).toContain(connect.id);
      expect(h.fake.state.downloads.filter((d) => d.fileId === plain.id || d.fileId === connect.id)).toEqual(
        expect.arrayContaining([
          { fileId: plain.id, authorized: true },
          { fileId: connect.id, authorized: true },
        ]),
      );
      expect(h.fake.state.downloads.every((d) => d.authorized)).toBe(true);
      expect(h.nbpro.requests[0]?.files).toHaveLength(2);
      expect(await h.jobs(ALICE)).toMatchObject([{ kind: 'edit', status: 'succeeded' }]);
    });

    it('Generate image: global shortcut → modal with a file_input → result in the chosen channel', async () => {
      h.fake.addChannel({ id: 'C0ART', name: 'art' });
      const reference = h.fake.addFile({ name: 'sketch.png', bytes: await solidPng(32, 32, '#22aa44'), user: ALICE });
      await h.fake.deliver('interactive', h.fake.payloads.globalShortcut({ user: ALICE }));
      const opened = await h.fake.waitForCall('views.open');
      const view = (opened.response as { view: FakeView }).view;
      expect(JSON.stringify(view.blocks)).toContain('file_input');
      expect(JSON.stringify(view.blocks)).toContain('conversations_select');

      await h.fake.deliver(
        'interactive',
        h.fake.payloads.viewSubmission({
          user: ALICE,
          view,
          values: {
            prompt: { value: input.text('a lighthouse') },
            ratio: { value: input.select('3:2') },
            resolution: { value: input.select('1K') },
            count: { value: input.select('2') },
            channel: { value: input.conversation('C0ART') },
            references: { value: input.files([h.fake.filePayload(reference)]) },
          },
        }),
      );
      const result = await h.result();
      expect(result.channel).toBe('C0ART');
      expect(result.fileIds).toHaveLength(2);
      expect(h.nbpro.requests).toHaveLength(2);
      expect(h.nbpro.requests.every((r) => r.files?.length === 1)).toBe(true);
      expect(h.fake.state.downloads).toContainEqual({ fileId: reference.id, authorized: true });
      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - 2 * COST_1K });
    });

    it('Reroll makes a child job charged to whoever clicked, posted where the parent was', async () => {
      await h.imagine('a red fox');
      const first = await h.result();
      const clicked = await h.fake.deliver(
        'interactive',
        h.fake.payloads.blockAction({ user: BOB, message: { channel: first.channel, ts: first.messageTs }, actionId: 'result_reroll', value: first.value }),
      );
      expect(clicked.status).toBe(200);
      await h.ephemeral(BOB, 'Queued');
      const second = await h.result(1);
      expect(second.channel).toBe(GENERAL);
      const [parent] = await h.jobs(ALICE);
      expect(await h.jobs(BOB)).toMatchObject([{ kind: 'reroll', parentId: parent!.id, status: 'succeeded', captured: COST_1K }]);
      expect(await h.account(BOB)).toMatchObject({ balance: STARTING_CREDITS - COST_1K });
      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - COST_1K });
    });

    it('Delete is refused to a stranger and done for an admin', async () => {
      await h.imagine('a blue whale');
      const result = await h.result();
      const click = (user: string) =>
        h.fake.deliver(
          'interactive',
          h.fake.payloads.blockAction({ user, message: { channel: result.channel, ts: result.messageTs }, actionId: 'result_delete', value: result.value }),
        );
      await click(BOB);
      const refused = await h.ephemeral(BOB, 'can delete this image');
      expect(String(refused.args.text)).toContain(`<@${ALICE}>`);
      expect(h.fake.callsTo('chat.delete')).toHaveLength(0);

      await click(ADMIN);
      await h.ephemeral(ADMIN, 'Deleted.');
      expect(h.fake.callsTo('chat.delete')[0]?.args).toMatchObject({ channel: GENERAL, ts: result.messageTs });
      expect(h.fake.callsTo('files.delete').map((c) => c.args.file)).toEqual(result.fileIds);
    });

    it('a repeated Reroll or Delete click makes one job and answers once', async () => {
      await h.imagine('a grey heron');
      const result = await h.result();
      const reroll = h.fake.payloads.blockAction({ user: BOB, message: { channel: result.channel, ts: result.messageTs }, actionId: 'result_reroll', value: result.value });
      await h.fake.deliver('interactive', reroll);
      await h.fake.deliver('interactive', reroll, { retry: 1 });
      const second = await h.result(1);
      expect(await h.jobs(BOB)).toMatchObject([{ kind: 'reroll', status: 'succeeded' }]);
      expect(await h.account(BOB)).toMatchObject({ balance: STARTING_CREDITS - COST_1K, held: 0 });

      const remove = h.fake.payloads.blockAction({ user: BOB, message: { channel: second.channel, ts: second.messageTs }, actionId: 'result_delete', value: second.value });
      await h.fake.deliver('interactive', remove);
      await h.ephemeral(BOB, 'Deleted.');
      await h.fake.deliver('interactive', remove, { retry: 1 });
      // Both deliveries have been handled once the second tried to delete the (gone) message.
      await h.fake.waitForCall('chat.delete', (c) => c.response.error === 'message_not_found');
      await h.fake.waitForCall('files.delete', (c) => c.response.error === 'file_not_found');
      await h.app.core.generation.settled();
      const toBob = h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === BOB).map((c) => String(c.args.text));
      expect(toBob).toEqual([expect.stringContaining('Queued'), 'Deleted.']);
    });

    it('not enough credits is a short ephemeral answer and moves nothing', async () => {
      await h.app.core.credits.set(`slack:T0FAKE:${ALICE}`, 3, { actor: 'test' });
      const ack = await h.imagine('an expensive castle');
      expect(ackText(ack.body)).toContain(`Not enough credits: this costs ${COST_1K} and you have 3.`);
      expect(await h.jobs(ALICE)).toHaveLength(0);
      expect(await h.account(ALICE)).toMatchObject({ balance: 3, held: 0 });
      expect(h.nbpro.requests).toHaveLength(0);
    });

    it('a provider failure refunds the hold and says so', async () => {
      h.nbpro.failTimes(1);
      await h.imagine('a doomed drawing');
      const told = await h.ephemeral(ALICE, 'could not be made');
      expect(String(told.args.text)).toContain(`Your ${COST_1K} credits were returned (balance ${STARTING_CREDITS})`);
      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS, held: 0 });
      expect(await h.jobs(ALICE)).toMatchObject([{ status: 'failed' }]);
      expect(h.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    });

    it('a retried delivery with the same trigger id never makes a second job', async () => {
      const payload = h.fake.payloads.slashCommand({ text: 'one heron only', user: ALICE, channel: GENERAL });
      const first = await h.fake.deliver('command', payload);
      const again = await h.fake.deliver('command', payload, { retry: 1 });
      expect(ackText(first.body)).toContain('Queued');
      expect(ackText(again.body)).toContain('already received');
      await h.result();
      expect(await h.jobs(ALICE)).toHaveLength(1);
      expect(h.nbpro.requests).toHaveLength(1);
      expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - COST_1K });
    });

    it('unknown /imagine flags or values get the usage message', async () => {
      const unknown = await h.imagine('a cat --foo 1');
      expect(ackText(unknown.body)).toContain('Unknown option `--foo`');
      expect(ackText(unknown.body)).toContain('Usage: `/imagine');
      const badRatio = await h.imagine('a cat --ar 7:3');
      // Values are the core's to judge: its words, then the usage.
      expect(ackText(badRatio.body)).toContain('Aspect ratio 7:3 is not available');
      expect(ackText(badRatio.body)).toContain('Usage: `/imagine');
      const badCount = await h.imagine('a cat --n 9');
      expect(ackText(badCount.body)).toContain('Count must be a whole number from 1 to 4.');
      expect(await h.jobs()).toHaveLength(0);
      // The core accepts what it would accept on any surface: `2k` is 2K.
      const lowerCase = await h.imagine('a cat --res 2k');
      expect(ackText(lowerCase.body)).toContain('Queued');
      expect(await h.jobs()).toMatchObject([{ request: { resolution: '2K' } }]);
    });

    it('the bot not being in the channel gets a message saying how to invite it', async () => {
      const channel = h.fake.addChannel({ id: 'C0NOBOT', name: 'random', isMember: false });
      const ack = await h.imagine('a lonely robot', { channel: 'C0NOBOT' });
      expect(ackText(ack.body)).toContain('/invite @nano-imagine');
      expect(await h.jobs()).toHaveLength(0);
      channel.isMember = true; // invited: the next try works at once
      expect(ackText((await h.imagine('a lonely robot', { channel: 'C0NOBOT' })).body)).toContain('Queued');
      await h.result();
    });

    it('App Home shows balance, held credits and recent jobs', async () => {
      await h.imagine('a quiet harbour');
      await h.result();
      await h.fake.deliver('event', h.fake.payloads.appHomeOpened({ user: ALICE }));
      const published = await h.fake.waitForCall('views.publish', (c) => c.args.user_id === ALICE);
      const view = JSON.stringify(published.args.view);
      expect(view).toContain(`${STARTING_CREDITS - COST_1K} credits`);
      expect(view).toContain('Held for running jobs');
      expect(view).toContain('a quiet harbour');
    });

    it('/credits answers with balance and recent jobs', async () => {
      const ack = await h.fake.deliver('command', h.fake.payloads.slashCommand({ command: '/credits', text: '', user: BOB, channel: GENERAL }));
      expect(ack.body).toMatchObject({ response_type: 'ephemeral' });
      expect(ackText(ack.body)).toContain(`*Balance:* ${STARTING_CREDITS} credits`);
    });
  });
}
