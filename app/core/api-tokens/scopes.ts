// SMART-style scopes for machine clients (SMART App Launch "system/" scopes, v1 syntax):
// `system/<ResourceType|*>.<read|*>`. Client-safe: the token admin page validates with it too.

export const scopePattern = /^system\/(\*|[A-Z][A-Za-z]{1,63})\.(read|\*)$/;

/** True when one of `granted` allows `wanted` (e.g. `system/*.read` allows `system/Patient.read`). */
export function scopeAllows(granted: readonly string[], wanted: string): boolean {
  const want = scopePattern.exec(wanted);
  if (!want) return false;
  return granted.some((scope) => {
    const have = scopePattern.exec(scope);
    if (!have) return false;
    return (have[1] === "*" || have[1] === want[1]) && (have[2] === "*" || have[2] === want[2]);
  });
}

/** The scope that reading or searching a FHIR resource type needs. */
export function readScope(resourceType: string) {
  return `system/${resourceType}.read`;
}
