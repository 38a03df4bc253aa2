import * as React from 'react';
import { PARTNER_ROLES } from '../lib/labels';
import { FormField } from '../ui/form-field';
import { NativeSelect } from '../ui/select';

/** Partner role picker with what each role can do. */
export function PartnerRoleField({ error, defaultValue = 'admin' }: { error?: string; defaultValue?: string }) {
  const [role, setRole] = React.useState(defaultValue);
  const description = PARTNER_ROLES.find((item) => item.value === role)?.description;
  return (
    <FormField label="Role" error={error} hint={description} required>
      <NativeSelect
        name="role"
        value={role}
        onChange={(event) => setRole(event.target.value)}
        options={PARTNER_ROLES}
      />
    </FormField>
  );
}
