import Button from '@atlaskit/button/new';
import { Component, type ReactNode } from 'react';
import { ChunkLoadError } from './chunk';
import { PageError } from './PageError';

export { chunk, ChunkLoadError, type Chunk } from './chunk';
export { lazyFrom } from './lazy-from';

interface BoundaryState {
  readonly error: unknown;
}

/**
 * Around lazily loaded views: when a chunk cannot be fetched (the network dropped, a new version
 * was deployed meanwhile) the page says so and offers a reload instead of going blank.
 */
export class ChunkBoundary extends Component<{ readonly children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error };
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    // Any other error is not about loading: it goes on up, as it would without this boundary.
    if (!(error instanceof ChunkLoadError)) throw error;
    return (
      <PageError
        title="Part of this page could not be loaded"
        message="The app's code did not arrive. Check the connection and reload the page."
        actions={<Button onClick={() => window.location.reload()}>Reload</Button>}
      />
    );
  }
}
