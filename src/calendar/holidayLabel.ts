/**
 * The labels chinese-days puts on holiday and make-up days: "English name,中文名,N", e.g.
 * "Spring Festival,春节,4", where N is the festival's number of statutory holiday days that year
 * (《全国年节及纪念日放假办法》; 春节 went from 3 to 4 days and 劳动节 from 1 to 2 in 2025).
 */

export interface HolidayLabel {
  readonly en: string;
  readonly zh: string;
  /** Statutory days of the festival in that year (not the length of the whole block with 调休). */
  readonly statutoryDays: number;
}

/** Splits a chinese-days label; undefined when it does not have the three-part shape. */
export function parseHolidayLabel(label: string): HolidayLabel | undefined {
  const fields = label.split(',');
  if (fields.length !== 3) return undefined;
  const [en, zh, days] = fields.map((f) => f.trim()) as [string, string, string];
  if (en === '' || zh === '' || !/^\d+$/.test(days)) return undefined;
  return { en, zh, statutoryDays: Number(days) };
}

/** The name shown to people: the Chinese name of a well-formed label ("春节"), else the label itself. */
export function holidayName(label: string): string {
  return parseHolidayLabel(label)?.zh ?? label;
}
