export { createKvsService, type KvsServiceOptions } from './service';
export { loadEntityDeclarations, BY_KEY_INDEX, type AttributeType, type EntityDeclaration, type EntityIndexDeclaration } from './entities';
export { KVS_LIMITS } from './limits';
