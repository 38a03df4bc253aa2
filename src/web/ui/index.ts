export { Badge, type BadgeTone } from './badge';
export { Button, buttonVariants } from './button';
export { Card, CardBody, CardHeader } from './card';
export { Checkbox } from './checkbox';
export { type Column, DataTable, type Pagination, useCursorPager } from './data-table';
export { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from './dialog';
export {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuGroup,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from './dropdown-menu';
export { EmptyState } from './empty-state';
export { FormField } from './form-field';
export * from './format';
export { Input, Textarea } from './input';
export { Label } from './label';
export { Money, MoneyValue } from './money';
export { PageHeader } from './page-header';
export { Progress } from './progress';
export { NativeSelect, Select, type SelectOption } from './select';
export { LoadingBlock, Skeleton } from './skeleton';
export { Tabs, TabsContent, TabsList, TabsTrigger } from './tabs';
export { TimeLeft } from './time-left';
export { Toaster, toast } from './toast';
export { formatDaysLeft, ProtectionChip, protectionUrgency, SlaChip } from './countdown';
export { InlineAlert } from './inline-alert';
export { Markdown } from './markdown';
export { Segmented } from './segmented';
