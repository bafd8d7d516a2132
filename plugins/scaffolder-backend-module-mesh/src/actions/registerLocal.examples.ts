import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Register the catalog-info.yaml that catalog:write put in the workspace, and wait until the catalog has the entity.',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'mesh:catalog:register-local',
          name: 'Register in the catalog',
          input: { catalogInfoPath: 'catalog-info.yaml' },
        },
      ],
    }),
  },
  {
    description:
      'Register an entity given inline, replacing what an earlier run of this template registered under the same name.',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'mesh:catalog:register-local',
          name: 'Register in the catalog',
          input: {
            replace: true,
            timeoutSeconds: 30,
            entity: {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'checkout',
                annotations: {
                  'backstage.io/kubernetes-id': 'checkout',
                  'backstage.io/kubernetes-namespace': 'shop',
                },
              },
              spec: {
                type: 'service',
                lifecycle: 'experimental',
                owner: 'group:default/team-a',
              },
            },
          },
        },
      ],
    }),
  },
];
