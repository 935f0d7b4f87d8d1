import type { FieldMetadata } from "@conform-to/react";
import { getInputProps, getSelectProps, type useForm } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { translateError } from "./translate-error.ts";

/**
 * A form's HTML constraints (required, minLength, pattern…), computed on the server from its zod
 * schema with getZodConstraint and passed down as data, so that a page can have them without
 * shipping zod (and the phone metadata some schemas use) to the browser.
 */
export type FormConstraint = NonNullable<Parameters<typeof useForm>[0]["constraint"]>;

type InputType = "text" | "email" | "password" | "tel" | "date" | "number" | "search" | "url";

export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <p className="error" id={id} role="alert">
      {errors.map((e) => translateError(t, e)).join(" ")}
    </p>
  );
}

/** A labelled input wired to a conform field: errors announced and linked for screen readers. */
export function TextField({
  field,
  label,
  type = "text",
  hint,
  autoComplete,
  inputProps,
}: {
  field: FieldMetadata<string | null | undefined>;
  label: string;
  type?: InputType;
  hint?: string;
  autoComplete?: string;
  inputProps?: InputHTMLAttributes<HTMLInputElement>;
}) {
  const props = getInputProps(field, { type, ariaAttributes: true });
  const hintId = hint ? `${field.id}-hint` : undefined;
  const describedBy = [props["aria-describedby"], hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <input {...props} key={props.key} autoComplete={autoComplete} aria-describedby={describedBy} {...inputProps} />
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  hint,
}: {
  field: FieldMetadata<string | null | undefined>;
  label: string;
  options: { value: string; label: string }[];
  hint?: ReactNode;
}) {
  const props = getSelectProps(field, { ariaAttributes: true });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <select {...props} key={props.key}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? <p className="hint">{hint}</p> : null}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

export function FormAlert({ errors }: { errors?: string[] }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <div className="alert error" role="alert">
      {errors.map((e) => translateError(t, e)).join(" ")}
    </div>
  );
}
