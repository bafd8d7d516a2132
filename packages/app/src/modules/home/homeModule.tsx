import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Your services behind Istio, in one place

Every component with the Kubernetes annotations has a **Service Mesh** tab:
the chain from the gateway to the pods in each cluster, the routes with
their external URLs and traffic weights, the Service, replicas, autoscaling,
and what is wrong with it and how to fix it. It updates by itself when the
cluster changes.

### Try it on the demo clusters

| Component | What to look at |
| --- | --- |
| [storefront](/catalog/default/component/storefront/mesh) | A complete, healthy chain with an autoscaler, in two clusters |
| [checkout](/catalog/default/component/checkout/mesh) | A canary: 90% to v1, 10% to v2. Try *Where does this request go?* |
| [search](/catalog/default/component/search/mesh) | An autoscaler stuck at its maximum |
| [recommendations](/catalog/default/component/recommendations/mesh) | A VirtualService bound to a Gateway that does not exist |
| [payments](/catalog/default/component/payments/mesh) | 20% of traffic sent to a subset with no pods |
| [notifications](/catalog/default/component/notifications/mesh) | A Service whose selector matches no pods |
| [legacy-reports](/catalog/default/component/legacy-reports/mesh) | A NodePort Service |
| [status-page](/catalog/default/component/status-page/mesh) | A LoadBalancer Service with its own address |
| [docs](/catalog/default/component/docs/mesh) | The Kubernetes Gateway API instead of Istio networking |

Change something and watch the open tab follow, e.g.
\`KUBECONFIG=.demo/dev.kubeconfig kubectl -n shop scale deploy/checkout-v1 --replicas=5\`.

### Create a service

[Create](/create) one from the *Service behind Istio* template: Gateway,
VirtualService, DestinationRule, Service, Deployment and autoscaler, with
every reference consistent, applied to the demo cluster.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Service Mesh',
    description:
      'What this portal shows about services behind Istio, with the demo scenarios',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
