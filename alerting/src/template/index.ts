/** The template engine's public surface: a template set, the data builder and the errors. */
export { TemplateSet, DEFAULT_FILES, type CompiledTemplate } from './template-set';
export { templateData, kv, type TemplateDataInput } from './data';
export { TemplateSyntaxError } from './lexer';
export { TemplateExecError } from './executor';
