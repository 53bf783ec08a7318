/**
 * One account with a job in every status a database had before `refused` (SQLite 3, PostgreSQL 1),
 * owners set on some, and the ledger rows that make it pass `db check`: what the routing migrations
 * must carry over untouched. The SQL runs on either engine.
 */
export const JOBS_IN_EVERY_STATUS = /* sql */ `
  INSERT INTO accounts VALUES ('cli:a', 'cli', NULL, 92, 6, 1, 9);
  INSERT INTO instances VALUES ('inst-1', 'bot', 'host-1', 4242, 1, 1000);
  INSERT INTO jobs (id, idempotency_key, account_key, platform, destination, kind, parent_id, request, provider, model,
                    unit_cost, cost, held, captured, status, error_code, error_message, outputs, created_at,
                    started_at, finished_at, owner) VALUES
    ('q', 'kq', 'cli:a', 'cli', '{"channel":"c1"}', 'imagine', NULL, '{"prompt":"ünï"}', 'nbpro', 'm', 2, 2, 2, 0, 'queued', NULL, NULL, '[]', 1, NULL, NULL, 'inst-1'),
    ('r', 'kr', 'cli:a', 'cli', '{"channel":"c1"}', 'edit', NULL, '{"prompt":"r"}', 'nbpro', 'm', 2, 2, 2, 0, 'running', NULL, NULL, '[]', 2, 3, NULL, 'inst-1'),
    ('d', 'kd', 'cli:a', 'cli', '{"channel":"c1"}', 'imagine', NULL, '{"prompt":"d"}', 'nbapi', 'm2', 2, 2, 2, 0, 'delivering', NULL, NULL,
     '[{"name":"o.png","mime":"image/png","bytes":3,"width":2,"height":2}]', 3, 4, NULL, NULL),
    ('s', 'ks', 'cli:a', 'cli', '{"channel":"c1"}', 'reroll', 'd', '{"prompt":"s"}', 'nbpro', 'm', 2, 2, 0, 2, 'succeeded', NULL, NULL,
     '[{"name":"o.png","mime":"image/png","bytes":3,"width":2,"height":2}]', 4, 5, 6, 'inst-1'),
    ('f', 'kf', 'cli:a', 'cli', '{"channel":"c1"}', 'imagine', NULL, '{"prompt":"f"}', 'nbpro', 'm', 2, 2, 0, 0, 'failed', 'internal', 'why', '[]', 5, 6, 7, NULL),
    ('c', 'kc', 'cli:a', 'cli', '{"channel":"c1"}', 'upscale', 's', '{"prompt":"c"}', 'nbpro', 'm', 2, 2, 0, 0, 'cancelled', 'cancelled', 'Cancelled.', '[]', 6, NULL, 7, NULL),
    ('i', 'ki', 'cli:a', 'cli', '{"channel":"c1"}', 'imagine', NULL, '{"prompt":"i"}', 'nbpro', 'm', 2, 2, 0, 0, 'interrupted', 'interrupted', 'Restarted.', '[]', 7, 8, 9, 'inst-1');
  INSERT INTO ledger (account_key, kind, delta, held_delta, job_id, actor, reason, at) VALUES
    ('cli:a', 'starting', 100, 0, NULL, 'system', NULL, 1),
    ('cli:a', 'hold', -2, 2, 'q', 'cli:a', NULL, 1),
    ('cli:a', 'hold', -2, 2, 'r', 'cli:a', NULL, 2),
    ('cli:a', 'hold', -2, 2, 'd', 'cli:a', NULL, 3),
    ('cli:a', 'hold', -2, 2, 's', 'cli:a', NULL, 4),
    ('cli:a', 'hold', -2, 2, 'f', 'cli:a', NULL, 5),
    ('cli:a', 'hold', -2, 2, 'c', 'cli:a', NULL, 6),
    ('cli:a', 'hold', -2, 2, 'i', 'cli:a', NULL, 7),
    ('cli:a', 'capture', 0, -2, 's', 'system', NULL, 6),
    ('cli:a', 'release', 2, -2, 'f', 'system', NULL, 7),
    ('cli:a', 'release', 2, -2, 'c', 'system', NULL, 7),
    ('cli:a', 'release', 2, -2, 'i', 'system', NULL, 9);
`;
