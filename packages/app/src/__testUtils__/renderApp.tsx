import { render, waitFor } from '@testing-library/react';
import App from '../App';

/**
 * Renders the whole app with the given configuration on top of the minimum
 * it needs, as app-config.yaml sets it. The app keeps the configuration it
 * first reads, so each configuration needs a test file of its own.
 */
export async function renderApp(data: Record<string, unknown> = {}) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          techdocs: {
            storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
          },
          ...data,
          app: { title: 'Test', ...(data.app as object) },
        },
        context: 'test',
      },
    ] as any,
  };
  const rendered = render(App.createRoot());
  await waitFor(() => {
    expect(rendered.baseElement).toBeInTheDocument();
  });
  return rendered;
}
