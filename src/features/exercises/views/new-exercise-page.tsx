import type { FieldMessages } from '../../../lib/errors.js';
import { Layout, PageHeader } from '../../../views/layout.js';
import type { PageContext } from '../../../views/page.js';
import { Breadcrumb } from '../../../views/record-parts.js';
import { ExerciseForm, type ExerciseFormValues, type GroupChoice } from './exercise-form.js';

export interface NewExercisePageProps {
  page: PageContext;
  subject: { id: number; name: string };
  groups: readonly GroupChoice[];
  timeZone: string;
  values?: ExerciseFormValues;
  errors?: FieldMessages;
  message?: string | null;
}

export function NewExercisePage(props: NewExercisePageProps) {
  return (
    <Layout page={props.page} title={`New exercise · ${props.subject.name}`}>
      <div class="col-lg-8 col-xl-7">
        <Breadcrumb
          steps={[
            { label: 'Subjects', href: '/subjects' },
            { label: props.subject.name, href: `/subjects/${props.subject.id}` },
            { label: 'New exercise' },
          ]}
        />
        <PageHeader title="New exercise" />
        <div class="card shadow-sm">
          <div class="card-body">
            <ExerciseForm
              action="/exercises"
              csrfToken={props.page.csrfToken}
              subjectId={props.subject.id}
              values={props.values ?? {}}
              errors={props.errors}
              message={props.message}
              groups={props.groups}
              timeZone={props.timeZone}
              submit="Set the exercise"
            />
          </div>
        </div>
      </div>
    </Layout>
  );
}
