# Settings that only make sense together, checked before anything is planned.
resource "terraform_data" "settings" {
  lifecycle {
    precondition {
      condition     = var.temporal_mode != "cloud" || var.temporal_cloud_address != ""
      error_message = "temporal_cloud_address must be set with temporal_mode = \"cloud\" (the namespace's endpoint, host:7233)."
    }
  }
}
