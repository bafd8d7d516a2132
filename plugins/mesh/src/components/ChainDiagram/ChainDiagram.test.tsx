import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain, simulationResponse } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { ChainDiagram } from './ChainDiagram';

const node = (kind: string, name: string) =>
  screen
    .getAllByTestId('chain-node')
    .find(
      n =>
        n.getAttribute('data-kind') === kind && n.textContent?.includes(name),
    )!;

describe('ChainDiagram', () => {
  it('draws each box from the answer, and opens a box’s details', async () => {
    const c = chain('dev/checkout');
    const onOpen = jest.fn();
    await renderSection(<ChainDiagram chain={c} onOpen={onOpen} />);
    expect(
      screen
        .getAllByTestId('chain-node')
        .map(n => n.getAttribute('aria-label')),
    ).toEqual(
      expect.arrayContaining([
        'Deployment checkout-v1 in shop: 3/3 ready. Healthy. Open details.',
        'Pods checkout-v2: 1/1 ready. Healthy. Open details.',
      ]),
    );
    await userEvent.click(node('service', 'checkout'));
    expect(onOpen).toHaveBeenCalledWith(objectKey(c.services[0].ref));
  });

  it('highlights the path of a traced request: its boxes and the lines between them', async () => {
    const [result] = simulationResponse('routes/checkout').results;
    await renderSection(
      <ChainDiagram
        chain={chain('routes/checkout')}
        onOpen={() => {}}
        highlight={new Set(result.path)}
      />,
    );
    expect(node('pods', 'checkout-v1')).toHaveAttribute(
      'data-highlighted',
      'true',
    );
    expect(node('destinationRule', 'checkout')).toHaveAttribute(
      'data-highlighted',
      'true',
    );
    const edges = screen.getAllByTestId('chain-edge');
    expect(
      edges.filter(e => e.getAttribute('data-highlighted') === 'true'),
    ).toHaveLength(edges.length);
    expect(screen.getByText('path of the request')).toBeInTheDocument();
  });
});
