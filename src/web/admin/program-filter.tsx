import { useQuery } from '@tanstack/react-query';
import { programsQuery } from '../api/queries';
import { Select } from '../ui/select';

/** The "Filter by program" picker of console lists (partners, registrations). */
export function ProgramFilter({
  value,
  onChange,
  className,
}: {
  value: string | undefined;
  onChange: (programId: string | undefined) => void;
  className?: string;
}) {
  const programs = useQuery(programsQuery());
  return (
    <Select
      label="Filter by program"
      allLabel="All programs"
      value={value ?? ''}
      onValueChange={(programId) => onChange(programId || undefined)}
      options={(programs.data?.data ?? []).map((program) => ({ value: program.id, label: program.name }))}
      className={className}
      size="sm"
    />
  );
}
