import { z } from 'zod';
import { workingHoursSchema } from './working-hours';

export const presenceStatuses = ['available', 'away', 'offline'] as const;
export type PresenceStatus = (typeof presenceStatuses)[number];

/** Caller-chosen ids for users, groups and routings: URL-safe, bounded. */
export const idSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may contain only letters, digits and . _ : @ -');

export const userInputSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    email: z.email().max(320),
    /** Only chat users are ever offered a conversation. */
    chatUser: z.boolean().default(true),
    /** Most concurrent connected conversations; null or absent means no limit. */
    capacity: z.number().int().min(0).max(10_000).nullable().default(null),
    status: z.enum(presenceStatuses).default('offline'),
    /** When the rep takes conversations; null: their groups' hours, or always when none has any. */
    workingHours: workingHoursSchema.nullable().default(null),
    /** Most offers the rep accepts per day, counted in their working hours' time zone (UTC without); null: no cap. */
    dailyAcceptCap: z.number().int().min(0).max(10_000).nullable().default(null),
    /** Offers in a row the rep may let time out before they are set away; null: never. */
    awayAfterMissedOffers: z.number().int().min(1).max(1000).nullable().default(null),
  })
  .meta({ id: 'UserInput' });
export type UserInput = z.infer<typeof userInputSchema>;
export type User = UserInput & { id: string };

export const presenceSchema = z.strictObject({ status: z.enum(presenceStatuses) }).meta({ id: 'PresenceUpdate' });

export const groupInputSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    members: z.array(idSchema).max(10_000).default([]),
    /** Working hours of members who have none of their own. */
    workingHours: workingHoursSchema.nullable().default(null),
  })
  .meta({ id: 'GroupInput' });
export type GroupInput = z.infer<typeof groupInputSchema>;
export type Group = GroupInput & { id: string };
