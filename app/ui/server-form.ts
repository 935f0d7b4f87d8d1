// Forms validated by the route's action only, for the customer and partner portals (and the sign-in
// pages they share with staff). Conform's useForm runs its own client-side state machine (~9 KB of
// gzipped JavaScript) to validate in the browser; these forms do not validate in the browser, so
// this hook gives the same field metadata conform's helpers and our form-field components read
// (ids, names, errors, the submitted values, HTML constraints) straight from the action's reply.
// Without JavaScript the page is the same HTML; with it, Remix submits and the reply re-renders.
// Budget and reasons: tests/tools/js-budget.mjs, docs/decisions/ (see README "Light pages").
import type { FieldMetadata, FormMetadata, SubmissionResult } from "@conform-to/react";
import { useEffect, useId, useState } from "react";
import type { FormConstraint } from "./form-field.tsx";

type Fields = Record<string, FieldMetadata<string | null | undefined>>;

/** conform's ids, so that server-rendered markup and labels stay as they were. */
function fieldId(formId: string, name: string) {
  return `${formId}-field-${name.replace(/[^a-zA-Z0-9._-]/g, "_")}`;
}

export function useServerForm({
  id,
  lastResult,
  constraint = {},
  defaultValue = {},
}: {
  id?: string;
  lastResult?: SubmissionResult<string[]> | null;
  constraint?: FormConstraint;
  defaultValue?: Record<string, string | null | undefined>;
}): [FormMetadata, Fields] {
  const generatedId = useId();
  const formId = id ?? `form-${generatedId.replace(/:/g, "")}`;
  // like conform: the browser's own checks until hydration, then the server's translated messages
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  // a reply with `resetForm: true` (initialValue null) empties the form, as conform does
  useEffect(() => {
    if (lastResult && lastResult.initialValue === null) (document.getElementById(formId) as HTMLFormElement | null)?.reset();
  }, [lastResult, formId]);

  const errors = lastResult?.error ?? {};
  const submitted = lastResult?.initialValue ?? undefined;
  const field = (name: string) => {
    const own = fieldId(formId, name);
    const value = submitted && name in submitted ? submitted[name] : defaultValue[name];
    const fieldErrors = errors[name] ?? undefined;
    return {
      ...(constraint[name] ?? {}),
      id: own,
      name,
      formId,
      errorId: `${own}-error`,
      descriptionId: `${own}-description`,
      key: undefined,
      initialValue: value ?? undefined,
      value: value ?? undefined,
      errors: fieldErrors,
      allErrors: fieldErrors ? { [name]: fieldErrors } : {},
      valid: !fieldErrors,
      dirty: false,
    } as unknown as FieldMetadata<string | null | undefined>;
  };
  const form = {
    id: formId,
    errorId: `${formId}-error`,
    descriptionId: `${formId}-description`,
    errors: errors[""] ?? undefined,
    noValidate: hydrated,
    onSubmit: undefined,
  } as unknown as FormMetadata;
  const fields = new Proxy({} as Fields, { get: (_target, name) => (typeof name === "string" ? field(name) : undefined) });
  return [form, fields];
}
