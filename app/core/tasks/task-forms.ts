// Client-safe: task vocabularies and form schemas.
import { taskPriorities, taskStatuses } from "../../../db/schema/tasks.ts";
import { fields, z } from "../validation/validation.ts";

export { taskPriorities, taskStatuses };
export type TaskPriority = (typeof taskPriorities)[number];
export type TaskStatus = (typeof taskStatuses)[number];
export const activeTaskStatuses = ["open", "in_progress"] as const;

const optionalUuid = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().uuid("validation.choice").nullable());

/** A local date and time (`YYYY-MM-DDTHH:mm`, or typed with a dot), turned into an instant on the server. */
const dueAt = () =>
  z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(fields.localDateTime().nullable());

const taskFields = {
  title: z.string().trim().min(2).max(200),
  description: fields.optionalText(2000),
  dueAt: dueAt(),
  priority: z.enum(taskPriorities),
};

export const createTaskSchema = z.object({
  intent: z.literal("create"),
  ...taskFields,
  assigneeId: optionalUuid(),
  contactId: optionalUuid(),
  relatedType: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.string().regex(/^[a-z][a-z0-9._-]{0,59}$/, "validation.invalid").nullable()),
  relatedId: fields.optionalText(100),
});

export const updateTaskSchema = z.object({ intent: z.literal("update"), ...taskFields });
export const delegateTaskSchema = z.object({
  intent: z.literal("delegate"),
  assigneeId: z.string().uuid("validation.choice"),
  note: fields.optionalText(1000),
});
export const taskStatusSchema = z.object({ intent: z.literal("status"), status: z.enum(taskStatuses) });

export const taskListSchema = z.object({
  view: z.enum(["mine", "delegated"]).catch("mine"),
  state: z.enum(["active", "done"]).catch("active"),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
});
export type TaskListInput = z.infer<typeof taskListSchema>;
