// The empty TypeScript CDK app: one empty stack (the twin of
// cmd/bench/emptyapp).
import { App, Stack } from 'aws-cdk-lib';

const app = new App();
new Stack(app, 'Empty');
app.synth();
