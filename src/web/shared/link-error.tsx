/** Shown when a sign-in link was expired, already used or mistyped. */
export function LinkErrorNotice() {
  return (
    <p className="mb-5 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" role="status">
      That sign-in link has expired or was already used. Request a new one below.
    </p>
  );
}
