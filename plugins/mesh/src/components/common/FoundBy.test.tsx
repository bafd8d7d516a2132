import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain, componentEntity } from '../../__fixtures__/chains';
import { renderSection, renderWithEntity } from '../../__testUtils__/testUtils';
import { ClusterView } from '../ClusterView';
import { ResourceDrawer } from '../ResourceDrawer';

/*
 * The storefront with its label on the pods only: the engine found the
 * Gateway, routes, rule, Service, Deployment and HPA by following
 * references, and the tab says so.
 */
const referenced = () => chain('podlabels/storefront');

describe('how the engine found each object', () => {
  it('marks the boxes of the picture found by reference, and says from what', async () => {
    await renderSection(
      <ClusterView chain={referenced()} onOpen={() => {}} showHeading />,
    );
    const nodes = screen.getAllByTestId('chain-node');
    const byKind = (kind: string) =>
      nodes.find(n => n.getAttribute('data-kind') === kind)!;
    expect(byKind('gateway')).toHaveAttribute('data-found-by', 'reference');
    expect(byKind('gateway')).toHaveAccessibleName(
      /Found via binds of VirtualService shop\/storefront\. Open details\.$/,
    );
    expect(byKind('hpa')).toHaveAccessibleName(
      /Found via scales of Deployment shop\/storefront\./,
    );
    // The pods carry the label: no mark.
    expect(byKind('pods')).toHaveAttribute('data-found-by', 'label');
    expect(byKind('pods')).not.toHaveAccessibleName(/Found via/);
    expect(
      screen.getByText('found by reference, not by label'),
    ).toBeInTheDocument();
  });

  it('marks them in the tables too', async () => {
    await renderSection(
      <ClusterView chain={referenced()} onOpen={() => {}} showHeading />,
    );
    for (const [region, text] of [
      ['Service', /found via selects of Pod shop\/storefront-/],
      ['Workload', /found via owns of Pod shop\/storefront-/],
      ['Autoscaling', 'found via scales of Deployment shop/storefront'],
      ['Routes', 'found via routes to of Service shop/storefront'],
    ] as const) {
      const marks = within(
        screen.getByRole('region', { name: region }),
      ).getAllByTestId('found-by-reference');
      expect(marks[0]).toHaveTextContent(text);
    }
  });

  it('leaves what the label found unmarked', async () => {
    await renderSection(
      <ClusterView
        chain={chain('dev/storefront')}
        onOpen={() => {}}
        showHeading
      />,
    );
    expect(screen.queryAllByTestId('found-by-reference')).toEqual([]);
    const gateway = screen
      .getAllByTestId('chain-node')
      .find(n => n.getAttribute('data-kind') === 'gateway')!;
    // The shared Gateway carries no component label, even in the demo.
    expect(gateway).toHaveAttribute('data-found-by', 'reference');
  });

  it('says in the details drawer how the object was found, and opens the object it was found from', async () => {
    const c = referenced();
    const onOpen = jest.fn();
    // The drawer fetches an object's YAML for its entity, on demand.
    await renderWithEntity(
      <ResourceDrawer
        chain={c}
        nodeKey={objectKey(c.gateways[0].ref)}
        onClose={() => {}}
        onOpen={onOpen}
      />,
      componentEntity('storefront'),
    );
    const note = screen.getByTestId('found-by');
    expect(note).toHaveTextContent(
      'Not labelled for this component: found by reference, via binds of VirtualService shop/storefront.',
    );
    await userEvent.click(
      within(note).getByRole('button', {
        name: 'VirtualService shop/storefront',
      }),
    );
    expect(onOpen).toHaveBeenCalledWith(objectKey(c.virtualServices[0].ref));
  });

  it('says when the label found it', async () => {
    const c = chain('dev/storefront');
    // The drawer fetches an object's YAML for its entity, on demand.
    await renderWithEntity(
      <ResourceDrawer
        chain={c}
        nodeKey={objectKey(c.deployments[0].ref)}
        onClose={() => {}}
        onOpen={() => {}}
      />,
      componentEntity('storefront'),
    );
    expect(screen.getByTestId('found-by')).toHaveTextContent(
      'Found by the component’s label selector.',
    );
  });
});
