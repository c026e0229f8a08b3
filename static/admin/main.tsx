import { startApp } from '../common/start';
import { AdminApp } from './AdminApp';

void startApp(<AdminApp />);
