//! The README's Amplify Hosting walkthrough with the real AWS CLI (`tests/cli/amplify.sh`) against
//! the real binary: create an app and a branch, deploy a zip, fetch the site by `Host`, add an
//! SPA rule, roll back with a RETRY job, delete the app.

use crate::cli_quickstart::walkthrough_passes;

#[test]
fn aws_cli_amplify_walkthrough_passes() {
    walkthrough_passes("amplify.sh");
}
