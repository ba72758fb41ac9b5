export {
  CATALOG_URL,
  CatalogLoadError,
  createCatalog,
  loadCatalog,
  loadCatalogFrom,
  type AccessLevel,
  type ActionInfo,
  type Catalog,
  type ResourceTypeInfo,
} from './catalog.js';
export { ACCESS_LEVELS, type CatalogData } from './catalog-format.js';
