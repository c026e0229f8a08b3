import { startApp } from '../common/start';
import { ProjectPage } from './ProjectPage';

void startApp(<ProjectPage />);
