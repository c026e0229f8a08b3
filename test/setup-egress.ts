// Runs before every test file's imports: the app's `fetch` (captured by @forge/api when it loads)
// must be the host's loopback-only egress.
import { installEgressFetch } from '../local/platform/egress';

installEgressFetch();
