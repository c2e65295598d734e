// Reps' working hours: a weekly schedule in the rep's own IANA time zone, with dated exceptions (holidays, time off),
// and the pure checks eligibility and the daily cap make against an instant. The instant is always handed in (the
// workflow's clock, through its activities), never read here, so a replayed routing decides the same.
import { DateTime } from 'luxon';
import { z } from 'zod';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/**
 * Zones this runtime's ICU knows, as an enum so /openapi.json states exactly what is accepted. Node 20's list
 * leaves out `UTC`, which every user expects.
 */
export const timeZones = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])] as [string, ...string[]];

const timeOfDay = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a 24-hour time HH:MM')
  .meta({ description: 'Local time `HH:MM`, 24-hour clock.' });

/** An interval whose `end` is not after its `start` runs past midnight into the next day (`22:00`–`06:00`). */
export const hoursIntervalSchema = z.strictObject({ start: timeOfDay, end: timeOfDay }).meta({
  id: 'HoursInterval',
  description:
    'From `start` (included) to `end` (excluded), local time. An `end` at or before `start` runs past midnight.',
});
export type HoursInterval = z.infer<typeof hoursIntervalSchema>;

const intervals = z.array(hoursIntervalSchema).max(10).default([]);

export const workingHoursSchema = z
  .strictObject({
    timeZone: z.enum(timeZones),
    weekly: z
      .strictObject(Object.fromEntries(weekdays.map((day) => [day, intervals])) as Record<Weekday, typeof intervals>)
      .default({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }),
    /** A date listed here has these hours instead of its weekday's: `[]` is a day off (a holiday, time off). */
    exceptions: z
      .array(z.strictObject({ date: z.iso.date(), hours: intervals }))
      .max(1000)
      .default([]),
  })
  .meta({
    id: 'WorkingHours',
    description:
      "Weekly hours in `timeZone`, with dated exceptions whose `hours` replace that date's (`[]`: a day off).",
  });
export type WorkingHours = z.infer<typeof workingHoursSchema>;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The hours that hold on a local date: its exception's, else its weekday's. */
function hoursOn(hours: WorkingHours, date: DateTime): readonly HoursInterval[] {
  const iso = date.toISODate();
  const exception = hours.exceptions.find((entry) => entry.date === iso);
  return exception ? exception.hours : hours.weekly[weekdays[date.weekday - 1] as Weekday];
}

/** Whether `hours` has the rep working at the instant `at`. */
export function isWithinHours(hours: WorkingHours, at: string): boolean {
  const local = DateTime.fromISO(at, { zone: hours.timeZone });
  const minute = local.hour * 60 + local.minute;
  const today = hoursOn(hours, local).some(({ start, end }) => {
    const [from, to] = [minutesOf(start), minutesOf(end)];
    return to > from ? minute >= from && minute < to : minute >= from;
  });
  if (today) return true;
  // Yesterday's intervals that ran past midnight.
  return hoursOn(hours, local.minus({ days: 1 })).some(({ start, end }) => {
    const [from, to] = [minutesOf(start), minutesOf(end)];
    return to <= from && minute < to;
  });
}

/** Whether a schedule has the rep working at any time at all (weekly, or on some exception date). */
export function hasAnyHours(hours: WorkingHours): boolean {
  return (
    weekdays.some((day) => hours.weekly[day].length > 0) || hours.exceptions.some((entry) => entry.hours.length > 0)
  );
}

export type HoursAvailability = 'available' | 'outside_hours' | 'no_working_hours';

/**
 * A rep's availability at `at` from the schedules that apply to them: their own, else those of their groups that have
 * one (working when any says so). None at all means always available, so setups without hours keep routing as before.
 */
export function availabilityAt(schedules: readonly WorkingHours[], at: string): HoursAvailability {
  if (schedules.length === 0) return 'available';
  if (!schedules.some(hasAnyHours)) return 'no_working_hours';
  return schedules.some((hours) => isWithinHours(hours, at)) ? 'available' : 'outside_hours';
}

/** The instant the local day holding `at` began in `timeZone`: daily caps count from there. */
export function startOfLocalDay(at: string, timeZone: string): string {
  return DateTime.fromISO(at, { zone: timeZone }).startOf('day').toUTC().toISO() ?? at;
}
