/**
 * Runs the fake nbpro server in its own process for the engine benchmark, so the provider's work
 * (rendering and serving 1K PNGs) does not share the event loop being measured. Prints its URL.
 */
import { startNbproServer } from '../test/fakes/nbproServer.js';

const server = await startNbproServer({ imageLongSide: 1024 });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
