import type { ObjectApi } from '../api/ObjectApi';
import type { Store } from '../store/Store';
import { DeploymentController } from './deployments';
import { GatewayApiController } from './gatewayApi';
import { HorizontalPodAutoscalerController } from './hpa';
import { GarbageCollector, NamespaceController } from './lifecycle';
import { PodLifecycleController } from './pods';
import { ReplicaSetController } from './replicasets';
import { Clock, ControllerRuntime, DemoTiming } from './runtime';
import { EndpointsController, LoadBalancerController } from './services';

/** Starts every simulated controller; `stop()` stops them all. */
export class ControllerManager {
  private readonly runtime: ControllerRuntime;
  private readonly pods: PodLifecycleController;
  readonly hpa: HorizontalPodAutoscalerController;

  constructor(
    api: ObjectApi,
    store: Store,
    options: {
      timeScale: number;
      timing: DemoTiming;
      log: (m: string) => void;
    },
  ) {
    this.runtime = new ControllerRuntime(
      api,
      store,
      new Clock(options.timeScale),
      options.timing,
      options.log,
    );
    this.pods = new PodLifecycleController(this.runtime);
    this.hpa = new HorizontalPodAutoscalerController(this.runtime);
    new GarbageCollector(this.runtime).start();
    new NamespaceController(this.runtime).start();
    new DeploymentController(this.runtime).start();
    new ReplicaSetController(this.runtime).start();
    this.pods.start();
    new EndpointsController(this.runtime).start();
    new LoadBalancerController(this.runtime).start();
    this.hpa.start();
    new GatewayApiController(this.runtime).start();
  }

  stop() {
    this.pods.stop();
    this.runtime.stop();
  }
}
