//! AppConfig extensions (spec/appconfig.md §8): what they are, which ones AWS authors, and the
//! port through which their actions are invoked.

pub mod aws_authored;
mod deployment_actions;
mod invoke;
mod model;
pub mod payload;
pub mod runner;

pub use deployment_actions::{MAX_NOTIFICATION_ATTEMPTS, Notifications, TICK_INTERVAL, TickReport, Ticks, point_of};
pub use invoke::{ActionInvoker, Invocation, InvocationError, NoInvoker, Target};
pub use model::{
    Action, ActionInvocation, ActionPoint, Actions, AppliedExtension, AssociationFilter, Extension,
    ExtensionAssociation, Parameter, ParameterValues, Parameters, RecordedInvocation,
};
