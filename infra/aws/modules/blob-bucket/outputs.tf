output "bucket" {
  description = "AR_S3_BUCKET of the tasks."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket (for the task roles' policies)."
  value       = aws_s3_bucket.this.arn
}
