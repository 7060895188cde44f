// Column headings as the template writes them and the report names them (any alias is accepted when
// reading).
export const columnLabels: Record<string, string> = {
  studentNumber: 'Student number',
  lastName: 'Last name',
  firstName: 'First name',
  patronymic: 'Patronymic',
  birthDate: 'Birth date',
  email: 'Email',
  phone: 'Phone',
  address: 'Address',
  group: 'Group',
  groupId: 'Group',
  username: 'Username',
  academicDegree: 'Academic degree',
  position: 'Position',
  isAdmin: 'Admin',
};

export function columnLabel(field: string): string {
  return columnLabels[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
