// The fault proxy's public face: start one in front of an http target, set toxics, read what
// they did. See toxics.ts for each toxic's attributes and proxy-server.ts for how they act.
export { startFaultProxy, type FaultProxy } from './proxy-server.ts';
export { resolveToxics, ToxicError, TOXIC_TYPES, type Toxic, type ToxicType } from './toxics.ts';
