import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { Shell } from './components/shell.tsx';
import { AgentPage } from './pages/agent-page.tsx';
import { AgentsPage } from './pages/agents-page.tsx';
import { ApiKeysPage } from './pages/api-keys-page.tsx';
import { ApprovalsPage } from './pages/approvals-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SchedulesPage } from './pages/schedules-page.tsx';
import { SecretsPage } from './pages/secrets-page.tsx';
import { ThreadPage } from './pages/thread-page.tsx';
import { ThreadsPage } from './pages/threads-page.tsx';
import { UsagePage } from './pages/usage-page.tsx';
import { WebhooksPage } from './pages/webhooks-page.tsx';

const rootRoute = createRootRoute({ component: Shell });

const page = <Path extends string>(path: Path, component: () => React.ReactNode) =>
  createRoute({ getParentRoute: () => rootRoute, path, component });

const runsRoute = page('/', RunsPage);
const runRoute = page('/runs/$runId', RunPage);
const agentsRoute = page('/agents', AgentsPage);
const agentRoute = page('/agents/$agentId', AgentPage);
const threadsRoute = page('/threads', ThreadsPage);
const threadRoute = page('/threads/$threadId', ThreadPage);
const approvalsRoute = page('/approvals', ApprovalsPage);
const schedulesRoute = page('/schedules', SchedulesPage);
const usageRoute = page('/usage', UsagePage);
const webhooksRoute = page('/webhooks', WebhooksPage);
const apiKeysRoute = page('/api-keys', ApiKeysPage);
const secretsRoute = page('/secrets', SecretsPage);
const auditRoute = page('/audit', AuditPage);

const routeTree = rootRoute.addChildren([
  runsRoute,
  runRoute,
  agentsRoute,
  agentRoute,
  threadsRoute,
  threadRoute,
  approvalsRoute,
  schedulesRoute,
  usageRoute,
  webhooksRoute,
  apiKeysRoute,
  secretsRoute,
  auditRoute,
]);

/** The console's pages under `/console`. */
export const router = createRouter({ routeTree, basepath: '/console', defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
