//! AppConfig extensions (spec/appconfig.md §8): what they are, which ones AWS authors, and the
//! port through which their actions are invoked.

mod invoke;
mod model;

pub use invoke::{ActionInvoker, Invocation, InvocationError, NoInvoker, Target};
pub use model::{
    Action, ActionInvocation, ActionPoint, Actions, AppliedExtension, AssociationFilter, Extension,
    ExtensionAssociation, ParameterValues, Parameter, Parameters, RecordedInvocation,
};
