import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Apply what mesh:chain:render wrote to the workspace (kubernetes/) to the cluster named dev, and wait up to two minutes for the Deployments to become available.',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'mesh:chain:apply',
          name: 'Apply the chain to dev',
          input: {
            cluster: 'dev',
            manifestsPath: 'kubernetes',
            waitForAvailable: true,
            waitTimeoutSeconds: 120,
          },
        },
      ],
    }),
  },
  {
    description:
      'Apply manifests given inline to the namespace shop, with a dedicated field manager, without waiting.',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'mesh:chain:apply',
          name: 'Apply inline manifests',
          input: {
            cluster: 'dev',
            namespace: 'shop',
            fieldManager: 'team-shop-portal',
            manifests: [
              'apiVersion: v1',
              'kind: Service',
              'metadata:',
              '  name: web',
              '  labels: { backstage.io/kubernetes-id: web }',
              'spec:',
              '  selector: { app: web }',
              '  ports: [{ name: http-web, port: 80, targetPort: http }]',
              '---',
              'apiVersion: apps/v1',
              'kind: Deployment',
              'metadata:',
              '  name: web',
              '  labels: { backstage.io/kubernetes-id: web }',
              'spec:',
              '  replicas: 1',
              '  selector: { matchLabels: { app: web } }',
              '  template:',
              '    metadata: { labels: { app: web, backstage.io/kubernetes-id: web } }',
              '    spec:',
              '      containers:',
              '        - name: web',
              '          image: nginx:1.27',
              '          ports: [{ name: http, containerPort: 80 }]',
              '',
            ].join('\n'),
          },
        },
      ],
    }),
  },
];
