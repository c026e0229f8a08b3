// Imported first by the host's entry: the app's `fetch` is captured by @forge/api when it loads,
// so the host's loopback-only egress must be in place before anything imports the app.
import { installEgressFetch } from './platform/egress';

installEgressFetch();
