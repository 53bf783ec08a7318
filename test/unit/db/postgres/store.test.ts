import { describeStoreContract } from '../storeContract.js';
import { openTestStore } from './support.js';

describeStoreContract('PostgreSQL', () => openTestStore({ maxConnections: 4 }));
