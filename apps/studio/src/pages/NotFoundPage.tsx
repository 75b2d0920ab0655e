import { Link } from 'react-router-dom';
import { EmptyState } from '../components/EmptyState';
import { useDocumentTitle } from '../lib/hooks';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page">
      <EmptyState
        icon="search"
        title="This page does not exist"
        testId="not-found"
        actions={
          <Link className="btn btn-secondary" to="/content">
            Go to content
          </Link>
        }
      >
        The link may be old, or the address mistyped.
      </EmptyState>
    </div>
  );
}
