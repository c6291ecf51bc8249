output "state_bucket" {
  description = "Bucket to name in each environment's backend configuration."
  value       = aws_s3_bucket.state.bucket
}

output "state_kms_key_arn" {
  description = "KMS key of the state bucket (`kms_key_id` of each environment's backend)."
  value       = aws_kms_key.state.arn
}
