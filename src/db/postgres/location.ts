/**
 * A PostgreSQL URL fit for messages and logs: the same URL with its password removed, from the
 * userinfo and from the query string (`?password=`, `?sslpassword=`), where libpq also takes one.
 * A URL that does not parse is never echoed, since nothing then says where its secret is.
 */
export function postgresLocation(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'PostgreSQL (the connection URL does not parse)';
  }
  parsed.password = '';
  for (const key of ['password', 'sslpassword']) parsed.searchParams.delete(key);
  return parsed.toString();
}
