export { createIngress, type Ingress, type IngressOverrides } from './create-ingress.js';
