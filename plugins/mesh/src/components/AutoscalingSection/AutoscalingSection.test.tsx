import { screen, within } from '@testing-library/react';
import { brokenCluster, healthyCluster } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { AutoscalingSection } from './AutoscalingSection';

describe('AutoscalingSection', () => {
  it('shows min, current, max and desired replicas', async () => {
    await renderSection(<AutoscalingSection chain={healthyCluster()} />);
    expect(screen.getByText(/replicas now/).parentElement).toHaveTextContent(
      '3 replicas now, as wanted · min 2 · max 10',
    );
  });

  it('says "1 replica", not "1 replicas"', async () => {
    const chain = healthyCluster();
    chain.hpas[0].currentReplicas = 1;
    chain.hpas[0].minReplicas = 1;
    await renderSection(<AutoscalingSection chain={chain} />);
    expect(screen.getByText(/replica now/).parentElement).toHaveTextContent(
      '1 replica now, wants 3 · min 1 · max 10',
    );
  });

  it('shows every metric, current against target, with what it means', async () => {
    await renderSection(<AutoscalingSection chain={healthyCluster()} />);
    const rows = within(screen.getByLabelText('Metrics of checkout-v1'))
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(rows).toEqual([
      [
        'cpu (of requests, average)Resource, utilization',
        '45%',
        '70%',
        '',
        ' below target: may scale down',
      ],
      [
        'memory per podResource, average value',
        '300Mi',
        '512Mi',
        '',
        ' below target: may scale down',
      ],
      [
        'http_requests_per_second per podPods, average value',
        '42',
        '100',
        '',
        ' below target: may scale down',
      ],
      [
        'queue_messages_ready (external)External, valuequeue=orders',
        '12',
        '30',
        '',
        ' below target: may scale down',
      ],
    ]);
  });

  it('puts conditions in plain words and shows the last scale time', async () => {
    await renderSection(<AutoscalingSection chain={healthyCluster()} />);
    expect(screen.getByText('Ready to scale when needed.')).toBeInTheDocument();
    expect(
      screen.getByText('Reads its metrics and computes a replica count.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The wanted replica count is within min and max.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('ScalingLimited: False (DesiredWithinRange)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Last scaled').nextSibling).toHaveTextContent(
      / ago \(.+\)$/,
    );
  });

  it('says plainly when it is stuck at max and cannot read a metric', async () => {
    await renderSection(<AutoscalingSection chain={brokenCluster()} />);
    expect(screen.getByText(/replicas now/).parentElement).toHaveTextContent(
      '10 replicas now, as wanted · min 2 · max 10 · at maximum',
    );
    expect(
      screen.getByText(
        'At its maximum: it would run more replicas if maxReplicas allowed.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Cannot read a resource metric: is metrics-server running/,
      ),
    ).toBeInTheDocument();
    const [cpu, memory] = within(
      screen.getByLabelText('Metrics of checkout-v1'),
    )
      .getAllByRole('row')
      .slice(1);
    expect(cpu).toHaveTextContent(/135%70%\s*above target, already at max/);
    expect(memory).toHaveTextContent(/—512Mi\s*cannot be read/);
  });

  it('says when nothing autoscales the workload', async () => {
    const chain = healthyCluster();
    chain.hpas = [];
    await renderSection(<AutoscalingSection chain={chain} />);
    expect(
      screen.getByText(/No HorizontalPodAutoscaler scales these Deployments/),
    ).toBeInTheDocument();
  });
});
