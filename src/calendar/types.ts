/**
 * Data types of the working-day calendar.
 *
 * A period fixed by 《行政许可法》 is counted in 工作日 and 「不含法定节假日」 (Art. 82). Which days are
 * 法定节假日, and which weekend days become 调休 make-up working days, is published each year by the
 * State Council (国务院办公厅关于某年部分节假日安排的通知). The `chinese-days` package ships those
 * notices as one JSON file per year; {@link YearArrangement} mirrors that file.
 */

/**
 * A civil date in Asia/Shanghai, written 'YYYY-MM-DD' (e.g. '2026-10-01').
 * It names a whole day in China's single time zone (UTC+8), never an instant; see `shanghai.ts`
 * for turning instants into dates and back.
 */
export type IsoDate = string;

/**
 * One year of the State Council holiday arrangement, in the shape of chinese-days'
 * `dist/years/YYYY.json` (`{"holidays": {...}, "workdays": {...}, "inLieuDays": {...}}`).
 * Every value is the package's label "English name,中文名,N", where N is the number of statutory
 * holiday days of that festival in that year (e.g. "Spring Festival,春节,4").
 */
export interface YearArrangement {
  readonly year: number;
  /** Every day off of a holiday block: the statutory days, weekends inside the block and 调休 days off. */
  readonly holidays: Readonly<Record<IsoDate, string>>;
  /** 调休 make-up working days: Saturdays or Sundays on which work is done (上班). */
  readonly workdays: Readonly<Record<IsoDate, string>>;
  /**
   * The 调休 days off (days off in lieu of a make-up working day). Always a subset of `holidays`;
   * informational only: such a day is off whether or not it is listed here. Optional in an
   * admin-supplied file, and then empty.
   */
  readonly inLieuDays: Readonly<Record<IsoDate, string>>;
}

/**
 * A jurisdiction's own deviation from the national calendar, which wins over it:
 * - 'closed': a local holiday (e.g. an ethnic autonomous area's festival) or a service-hall closure day;
 * - 'open': a local extra working day.
 */
export interface LocalOverride {
  readonly date: IsoDate;
  readonly kind: 'closed' | 'open';
  readonly name: string;
}

/**
 * The calendar a deadline is computed on: the official years known to the system plus local overrides.
 * Build it with `createWorkCalendar` (which also fills `overrideIndex`); do not assemble it by hand.
 */
export interface WorkCalendar {
  readonly years: ReadonlyMap<number, YearArrangement>;
  readonly overrides: readonly LocalOverride[];
  /** `overrides` keyed by date, for O(1) look-up. */
  readonly overrideIndex: ReadonlyMap<IsoDate, LocalOverride>;
}
