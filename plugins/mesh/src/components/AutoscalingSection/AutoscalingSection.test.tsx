import { screen, within } from '@testing-library/react';
import { chain } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { AutoscalingSection } from './AutoscalingSection';

const metricRows = (hpa: string) =>
  within(screen.getByLabelText(`Metrics of ${hpa}`))
    .getAllByRole('row')
    .slice(1);

describe('AutoscalingSection', () => {
  it('shows min, current, max and desired replicas', async () => {
    await renderSection(<AutoscalingSection chain={chain('dev/storefront')} />);
    expect(screen.getByText(/replicas now/).parentElement).toHaveTextContent(
      '2 replicas now, as wanted · min 2 · max 6',
    );
  });

  it('says "1 replica", not "1 replicas"', async () => {
    const c = chain('dev/storefront');
    c.hpas[0].currentReplicas = 1;
    c.hpas[0].minReplicas = 1;
    await renderSection(<AutoscalingSection chain={c} />);
    expect(screen.getByText(/replica now/).parentElement).toHaveTextContent(
      '1 replica now, wants 2 · min 1 · max 6',
    );
  });

  it('shows every metric, current against target, with what it means', async () => {
    // CPU, memory, requests per pod, a queue, and a metric nobody serves;
    // at its minimum of 2 replicas, with CPU within the 10% tolerance.
    await renderSection(
      <AutoscalingSection chain={chain('metrics/storefront')} />,
    );
    const rows = metricRows('storefront').map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent),
    );
    expect(rows).toEqual([
      [
        'cpu (of requests, average)Resource, utilization',
        '65%',
        '70%',
        '',
        ' on target',
      ],
      [
        'memory per podResource, average value',
        '67Mi',
        '200Mi',
        '',
        ' below target, at min',
      ],
      [
        'http_requests_per_second per podPods, average value',
        '6',
        '10',
        '',
        ' below target, at min',
      ],
      [
        'queue_messages_ready (external)External, valuequeue=orders',
        '12',
        '30',
        '',
        ' below target, at min',
      ],
      [
        'checkout_latency_p99 (external)External, value',
        '—',
        '250',
        '',
        ' cannot be read',
      ],
    ]);
  });

  it('puts conditions in plain words and shows the last scale time', async () => {
    await renderSection(<AutoscalingSection chain={chain('dev/search')} />);
    expect(screen.getByText('Ready to scale when needed.')).toBeInTheDocument();
    expect(
      screen.getByText('Reads its metrics and computes a replica count.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^ScalingLimited: True \(TooManyReplicas\) · since/),
    ).toBeInTheDocument();
    expect(screen.getByText('Last scaled').nextSibling).toHaveTextContent(
      / ago \(.+\)$/,
    );
  });

  it('says plainly when it is stuck at max', async () => {
    await renderSection(<AutoscalingSection chain={chain('dev/search')} />);
    expect(screen.getByText(/replicas now/).parentElement).toHaveTextContent(
      '4 replicas now, as wanted · min 2 · max 4 · at maximum',
    );
    expect(
      screen.getByText(
        'At its maximum: it would run more replicas if maxReplicas allowed.',
      ),
    ).toBeInTheDocument();
    const [cpu] = metricRows('search');
    expect(cpu).toHaveTextContent(/305%60%\s*above target, already at max/);
  });

  it('says when nothing autoscales the workload', async () => {
    await renderSection(<AutoscalingSection chain={chain('dev/checkout')} />);
    expect(
      screen.getByText(/No HorizontalPodAutoscaler scales these Deployments/),
    ).toBeInTheDocument();
  });
});
