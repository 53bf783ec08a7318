/**
 * A count with its noun, in the number it needs: `plural(1, 'credit')` is `1 credit`, `plural(4,
 * 'credit')` is `4 credits`. The noun may carry its verb: `plural(n, 'credit was', 'credits were')`.
 *
 * @param many - the plural form, when it is not `one` + `s`.
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
